package dev.kqlisten.poller;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.Connection;
import dev.kqlisten.connection.ConnectionWriter;
import dev.kqlisten.connection.WriteResult;
import dev.kqlisten.nativeio.Sockets;

/**
 * The output side of one connection: its {@link ConnectionWriter}, safe on any thread, and the
 * state the loop keeps for writing it.
 * <p>
 * A write on the loop thread goes straight into the {@link WriteQueue}; a write on any other
 * thread goes through an inbox, which the loop empties into the queue before anything written
 * on its own thread after it, so a sequence of calls keeps its order whichever threads make
 * them. Close and half-close requests travel the same way, as markers behind the bytes they
 * follow. Either way the loop writes at the end of its current iteration ({@link Poller}).
 */
final class Outbound implements ConnectionWriter, WriteQueue.Writability {

    /** Inbox markers, compared by identity. */
    private static final byte[] CLOSE_MARK = new byte[0];

    private static final byte[] SHUTDOWN_MARK = new byte[0];

    private static final byte[] ABORT_MARK = new byte[0];

    private static final byte[] OVERFLOW_MARK = new byte[0];

    private final Poller poller;

    final WriteQueue queue;

    private final long id;

    /** Set right after construction, before anyone can write. Loop thread only. */
    Connection connection;

    /** Writes and markers from other threads, oldest first. */
    private final Queue<byte[]> inbox = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean drainScheduled = new AtomicBoolean();

    /** Moves the inbox into the queue on the loop; made once per connection. */
    private final Runnable drainCommand = this::drainFromCommand;

    /** Set when no more writes are taken: closing, closed or output shut down. Any thread. */
    private volatile boolean refusing;

    // -- Loop thread only.

    /** Whether write interest is on (the queue is blocked on a full send buffer). */
    boolean writeInterest;

    /** Whether the socket reported room since the last flush. */
    boolean writableSeen;

    /** The queue's bytes as last added to the poller's gauge. */
    long countedQueueBytes;

    /** Whether the connection is on the loop's list of connections to flush. */
    boolean dirty;

    /** After the queue is flushed: shut the output down. */
    boolean shutdownAfterFlush;

    /** After the queue is flushed: close with this reason; {@code null} for none. */
    CloseReason closeAfterFlush;

    /** Close at once with {@link CloseReason#APPLICATION} or {@link CloseReason#WRITE_QUEUE_FULL}. */
    CloseReason closeNow;

    /** Whether {@code shutdown(SHUT_WR)} was done. */
    boolean outputShut;

    Outbound(Poller poller, long id, WriteSettings settings) {
        this.poller = poller;
        this.id = id;
        this.queue = new WriteQueue(settings.lowWaterMark(), settings.highWaterMark(), settings.queueLimit(),
                Sockets.AGAIN, this);
    }

    @Override
    public void changed(boolean writable) {
        this.poller.writabilityChanged(this, writable);
    }

    @Override
    public WriteResult write(byte[] data) {
        if (this.refusing) {
            return WriteResult.CLOSED;
        }
        if (!this.queue.reserve(data.length)) {
            this.refusing = true;
            hand(OVERFLOW_MARK);
            return WriteResult.OVERFLOW;
        }
        hand(data);
        return this.queue.isWritable() ? WriteResult.QUEUED : WriteResult.QUEUED_SLOW_DOWN;
    }

    @Override
    public WriteResult write(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        return write(copy);
    }

    @Override
    public boolean isWritable() {
        return !this.refusing && this.queue.isWritable();
    }

    @Override
    public long pendingWriteBytes() {
        return this.queue.pendingBytes();
    }

    @Override
    public void close() {
        this.refusing = true;
        hand(CLOSE_MARK);
    }

    @Override
    public void abort() {
        this.refusing = true;
        hand(ABORT_MARK);
    }

    @Override
    public void shutdownOutput() {
        if (!this.refusing) {
            this.refusing = true;
            hand(SHUTDOWN_MARK);
        }
    }

    /** Takes no more writes; the loop closed the connection or is closing it. Loop thread. */
    void refuse() {
        this.refusing = true;
    }

    private void hand(byte[] item) {
        if (this.poller.inLoop()) {
            drain();
            accept(item);
            this.poller.markDirty(this);
        }
        else {
            this.inbox.add(item);
            if (this.drainScheduled.compareAndSet(false, true)) {
                this.poller.execute(this.drainCommand);
            }
        }
    }

    private void drainFromCommand() {
        this.drainScheduled.set(false);
        drain();
        this.poller.markDirty(this);
    }

    /** Moves writes from other threads into the queue, in order. Loop thread. */
    void drain() {
        byte[] item;
        while ((item = this.inbox.poll()) != null) {
            accept(item);
        }
    }

    private void accept(byte[] item) {
        if (item == CLOSE_MARK) {
            if (this.closeAfterFlush == null) {
                this.closeAfterFlush = CloseReason.APPLICATION;
            }
            // Nothing more is delivered; the poller turns the read filter off when it flushes.
            this.connection.closeInput();
        }
        else if (item == SHUTDOWN_MARK) {
            this.shutdownAfterFlush = true;
        }
        else if (item == ABORT_MARK || item == OVERFLOW_MARK) {
            if (this.closeNow == null) {
                this.closeNow = (item == OVERFLOW_MARK) ? CloseReason.WRITE_QUEUE_FULL : CloseReason.APPLICATION;
            }
            this.connection.closeInput();
        }
        else if (this.closeNow == null && this.closeAfterFlush == null && !this.outputShut
                && !this.shutdownAfterFlush) {
            this.queue.enqueue(item);
        }
        else {
            // Raced with a close or half-close queued before it: dropped, its reservation returned.
            this.queue.unreserve(item.length);
        }
    }

    @Override
    public String toString() {
        return "writer of connection " + this.id;
    }

}
