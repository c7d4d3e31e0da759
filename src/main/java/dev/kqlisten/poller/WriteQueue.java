package dev.kqlisten.poller;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes waiting to be written to one connection, with the accounting that lets writers slow
 * down before the queue grows without bound (issue #11's write path; the loop drives it).
 * <p>
 * <b>Threads.</b> {@link #reserve} and {@link #isWritable} may be called from any thread: a
 * writer reserves the bytes it is about to hand to the loop, so that the pending count (and the
 * answer to "should I slow down?") includes writes still on their way. Everything else belongs to
 * the loop thread.
 * <p>
 * <b>Water marks.</b> The queue turns unwritable when the pending bytes rise above the high water
 * mark and writable again when they fall to the low one, as Netty's channel writability does.
 * {@link #isWritable()} follows at once, on every thread; the {@link Writability} callback is made
 * on the loop thread only, from {@link #enqueue} and {@link #flush}, once per change of the state
 * it last reported (a flip and flop in between is not reported), so it sees the changes in order.
 * Above {@link #limit()} a writer is refused: the caller closes the connection, since its peer is
 * not reading.
 */
public final class WriteQueue {

    /** Where the queue's bytes go: the socket, through the native write buffer. */
    public interface Sink {

        /**
         * Writes up to {@code length} bytes of {@code source} from {@code offset}.
         *
         * @return the bytes written (&gt; 0), {@code again} when the socket's send buffer is full,
         * or a negative errno
         */
        int write(byte[] source, int offset, int length);

    }

    /** Told when the queue turns unwritable and writable again. */
    @FunctionalInterface
    public interface Writability {

        void changed(boolean writable);

    }

    /** {@link #flush} wrote everything queued. */
    public static final int FLUSHED = 0;

    /** {@link #flush} filled the socket; wait until it is writable and flush again. */
    public static final int BLOCKED = 1;

    private final long lowWaterMark;

    private final long highWaterMark;

    private final long limit;

    private final int again;

    private final Writability writability;

    private final ArrayDeque<byte[]> buffers = new ArrayDeque<>();

    /** Bytes of the head buffer already written. */
    private int headOffset;

    /** Reserved or queued and not yet written; any thread. */
    private final AtomicLong pending = new AtomicLong();

    private final AtomicBoolean writable = new AtomicBoolean(true);

    /** The state the callback was last told; loop thread. */
    private boolean reported = true;

    /**
     * @param lowWaterMark pending bytes at or below which the queue is writable again
     * @param highWaterMark pending bytes above which it turns unwritable
     * @param limit pending bytes above which a reservation is refused
     * @param again the value {@link Sink#write} returns when the socket would block
     */
    public WriteQueue(long lowWaterMark, long highWaterMark, long limit, int again, Writability writability) {
        if (lowWaterMark < 0 || lowWaterMark > highWaterMark || highWaterMark > limit) {
            throw new IllegalArgumentException("need 0 <= low (" + lowWaterMark + ") <= high (" + highWaterMark
                    + ") <= limit (" + limit + ")");
        }
        this.lowWaterMark = lowWaterMark;
        this.highWaterMark = highWaterMark;
        this.limit = limit;
        this.again = again;
        this.writability = writability;
    }

    /**
     * Counts {@code length} bytes a writer is about to queue; any thread.
     *
     * @return false, counting nothing, when the bytes would take the queue above its limit
     */
    public boolean reserve(int length) {
        long now;
        long before;
        do {
            before = this.pending.get();
            now = before + length;
            if (now > this.limit) {
                return false;
            }
        }
        while (!this.pending.compareAndSet(before, now));
        if (now > this.highWaterMark) {
            becomeUnwritable();
        }
        return true;
    }

    /** Queues bytes reserved with {@link #reserve}; the queue owns the array from now on. Loop thread. */
    public void enqueue(byte[] data) {
        if (data.length > 0) {
            this.buffers.add(data);
        }
        report();
    }

    /**
     * Writes as much as the socket takes. Loop thread.
     *
     * @return {@link #FLUSHED} when nothing is left, {@link #BLOCKED} when the socket is full, or
     * the negated errno of the write that failed (what was not written stays queued)
     */
    public int flush(Sink sink) {
        try {
            byte[] head;
            while ((head = this.buffers.peek()) != null) {
                int n = sink.write(head, this.headOffset, head.length - this.headOffset);
                if (n == this.again) {
                    return BLOCKED;
                }
                if (n <= 0) {
                    return (n < 0) ? n : BLOCKED;
                }
                this.headOffset += n;
                if (this.headOffset == head.length) {
                    this.buffers.poll();
                    this.headOffset = 0;
                }
                if (this.pending.addAndGet(-n) <= this.lowWaterMark) {
                    becomeWritable();
                }
            }
            return FLUSHED;
        }
        finally {
            report();
        }
    }

    /**
     * The flag flips by CAS and is checked again after the flip, so that a writer crossing the
     * high mark and the loop crossing the low mark at the same time leave it matching the count.
     */
    private void becomeUnwritable() {
        if (this.writable.compareAndSet(true, false) && this.pending.get() <= this.lowWaterMark) {
            becomeWritable();
        }
    }

    private void becomeWritable() {
        if (this.writable.compareAndSet(false, true) && this.pending.get() > this.highWaterMark) {
            becomeUnwritable();
        }
    }

    /** Tells the callback about a change since it was last told; loop thread. */
    private void report() {
        boolean now = this.writable.get();
        if (now != this.reported) {
            this.reported = now;
            this.writability.changed(now);
        }
    }

    /** Whether writers may go on without slowing down; any thread. */
    public boolean isWritable() {
        return this.writable.get();
    }

    /** Bytes reserved or queued and not yet written; any thread. */
    public long pendingBytes() {
        return this.pending.get();
    }

    /** Whether nothing is queued. Loop thread. */
    public boolean isEmpty() {
        return this.buffers.isEmpty();
    }

    public long limit() {
        return this.limit;
    }

}
