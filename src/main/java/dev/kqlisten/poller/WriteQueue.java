package dev.kqlisten.poller;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes waiting to be written to one connection, with the accounting that lets writers slow
 * down before the queue grows without bound. The loop drives it.
 * <p>
 * <b>Threads.</b> {@link #reserve}, {@link #isWritable} and {@link #pendingBytes} may be called
 * from any thread: a writer reserves the bytes it is about to hand to the loop, so that the pending
 * count (and the answer to "should I slow down?") includes writes still on their way. Everything
 * else belongs to the loop thread.
 * <p>
 * <b>Water marks.</b> The queue turns unwritable when the pending bytes rise above the high water
 * mark and writable again when they fall to the low one, as Netty's channel writability does.
 * {@link #isWritable()} follows at once, on every thread; the {@link Writability} callback is made
 * on the loop thread only, from {@link #flush} and {@link #reportWritability}, once per change of
 * the state it last reported (a flip and flop in between is not reported), so it sees the changes
 * in order. Above {@link #limit()} a writer is refused: the caller closes the connection, since its
 * peer is not reading.
 * <p>
 * <b>Flushing.</b> Queued arrays are copied into the loop's native staging buffer, as many as fit,
 * and written with one system call, so that many small replies to one read cost one write. The
 * queue is a ring of arrays walked by index: a flush allocates nothing.
 */
public final class WriteQueue {

    /** Where the queue's bytes go: the socket. */
    @FunctionalInterface
    public interface Sink {

        /**
         * Writes up to {@code length} bytes of {@code staging} from index 0.
         *
         * @return the bytes written (&gt; 0), {@code again} when the socket's send buffer is full,
         * or a negative errno
         */
        int write(ByteBuffer staging, int length);

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

    private static final byte[][] EMPTY = new byte[0][];

    private final long lowWaterMark;

    private final long highWaterMark;

    private final long limit;

    private final int again;

    private final Writability writability;

    /** Queued arrays, oldest at {@link #head}; allocated at the first enqueue. Loop thread. */
    private byte[][] ring = EMPTY;

    private int head;

    private int count;

    /** Bytes of the head array already written. */
    private int headOffset;

    /** Bytes queued in the ring and not yet written. Loop thread. */
    private long queued;

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

    /** Gives back a reservation whose bytes will never be queued (the connection closed first); any thread. */
    public void unreserve(int length) {
        if (this.pending.addAndGet(-length) <= this.lowWaterMark) {
            becomeWritable();
        }
    }

    /**
     * Queues bytes reserved with {@link #reserve}; the queue owns the array from now on. Loop
     * thread. The writability callback is not made here but at the next {@link #flush} or
     * {@link #reportWritability}, so that it never runs inside the caller's own callback.
     */
    public void enqueue(byte[] data) {
        if (data.length == 0) {
            return;
        }
        if (this.count == this.ring.length) {
            grow();
        }
        this.ring[(this.head + this.count) & (this.ring.length - 1)] = data;
        this.count++;
        this.queued += data.length;
    }

    private void grow() {
        int capacity = Math.max(4, this.ring.length * 2);
        byte[][] bigger = new byte[capacity][];
        for (int i = 0; i < this.count; i++) {
            bigger[i] = this.ring[(this.head + i) & (this.ring.length - 1)];
        }
        this.ring = bigger;
        this.head = 0;
    }

    /**
     * Writes as much as the socket takes, staging queued arrays in {@code staging} (a direct
     * buffer) as many at a time as fit. A short write means the send buffer is full: no second
     * call is made to hear EAGAIN. Loop thread.
     *
     * @return {@link #FLUSHED} when nothing is left, {@link #BLOCKED} when the socket is full, or
     * the negated errno of the write that failed (what was not written stays queued)
     */
    public int flush(ByteBuffer staging, Sink sink) {
        try {
            int capacity = staging.capacity();
            while (this.count > 0) {
                int length = stage(staging, capacity);
                int n = sink.write(staging, length);
                if (n == this.again || n == 0) {
                    return BLOCKED;
                }
                if (n < 0) {
                    return n;
                }
                consume(n);
                if (this.pending.addAndGet(-n) <= this.lowWaterMark) {
                    becomeWritable();
                }
                if (n < length) {
                    return (this.count == 0) ? FLUSHED : BLOCKED;
                }
            }
            return FLUSHED;
        }
        finally {
            reportWritability();
        }
    }

    /** Copies queued bytes, oldest first, into {@code staging} from index 0; returns how many. */
    private int stage(ByteBuffer staging, int capacity) {
        int length = 0;
        int offset = this.headOffset;
        int mask = this.ring.length - 1;
        for (int i = 0; i < this.count && length < capacity; i++) {
            byte[] next = this.ring[(this.head + i) & mask];
            int take = Math.min(next.length - offset, capacity - length);
            staging.put(length, next, offset, take);
            length += take;
            offset = 0;
        }
        return length;
    }

    /** Drops {@code n} written bytes from the front of the ring. */
    private void consume(int n) {
        this.queued -= n;
        int mask = this.ring.length - 1;
        while (n > 0) {
            byte[] first = this.ring[this.head];
            int left = first.length - this.headOffset;
            if (n < left) {
                this.headOffset += n;
                return;
            }
            n -= left;
            this.ring[this.head] = null;
            this.head = (this.head + 1) & mask;
            this.count--;
            this.headOffset = 0;
        }
    }

    /**
     * Drops everything queued (the connection closed) and returns how many bytes that was; the
     * ring is released. Loop thread.
     */
    public long discard() {
        long dropped = this.queued;
        Arrays.fill(this.ring, null);
        this.ring = EMPTY;
        this.head = 0;
        this.count = 0;
        this.headOffset = 0;
        this.queued = 0;
        this.pending.addAndGet(-dropped);
        return dropped;
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
    public void reportWritability() {
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

    /** Bytes queued on the loop and not yet written. Loop thread. */
    public long queuedBytes() {
        return this.queued;
    }

    /** Whether nothing is queued. Loop thread. */
    public boolean isEmpty() {
        return this.count == 0;
    }

    public long limit() {
        return this.limit;
    }

}
