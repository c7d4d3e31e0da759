package dev.kqlisten.poller;

import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.framing.FrameError;
import dev.kqlisten.nativeio.Errno;

/**
 * Counters of one poller. Each field is written only by the poller thread and is volatile so
 * that other threads (metrics, actuator) read whole, current values.
 */
public final class PollerStats {

    volatile long accepted;

    volatile long closed;

    volatile long bytesRead;

    volatile long reads;

    /** Reads handed to the listener; fewer than {@link #reads} while nobody listens for data. */
    volatile long dataEvents;

    /** Wake-ups requested by other threads, counted by the loop when it consumes one. */
    volatile long wakeups;

    volatile long listenerFailures;

    volatile int activeConnections;

    volatile long acceptErrors;

    volatile long loopIterations;

    volatile long loopFailures;

    /** {@link System#nanoTime()} when the last wait returned. */
    volatile long lastWakeNanos = System.nanoTime();

    /** {@link System#nanoTime()} when the current dispatch began; 0 while the loop waits. */
    volatile long dispatchStartedNanos;

    /** Closed connections per {@link CloseReason#ordinal()}; written with release semantics. */
    private final AtomicLongArray closedByReason = new AtomicLongArray(CloseReason.values().length);

    /** Rejected connections per {@link RejectReason#ordinal()}. */
    private final AtomicLongArray rejectedByReason = new AtomicLongArray(RejectReason.values().length);

    volatile long rejected;

    /** Bytes handed to the kernel by write(2). */
    volatile long bytesWritten;

    /** write(2) calls, including those that found the send buffer full. */
    volatile long writes;

    /** Bytes queued for writing on this poller's connections and not yet written. */
    volatile long writeQueueBytes;

    /** Connections turning unwritable or writable again (water mark crossings reported). */
    volatile long writabilityChanges;

    /** write(2) calls made. */
    public long writes() {
        return this.writes;
    }

    /** Bytes written to connections. */
    public long bytesWritten() {
        return this.bytesWritten;
    }

    /** Bytes queued for writing and not yet written, over all connections. */
    public long writeQueueBytes() {
        return this.writeQueueBytes;
    }

    /** Writability changes reported: a connection crossing its high or low water mark. */
    public long writabilityChanges() {
        return this.writabilityChanges;
    }

    /** Whole frames decoded, whether or not a listener received them. */
    volatile long frames;

    /** Partial frames reported when a connection ended inside one. */
    volatile long partialFrames;

    /** Framing failures per {@link FrameError#ordinal()}. */
    private final AtomicLongArray frameErrorsByError = new AtomicLongArray(FrameError.values().length);

    void countFrameError(FrameError error) {
        int i = error.ordinal();
        this.frameErrorsByError.lazySet(i, this.frameErrorsByError.get(i) + 1);
    }

    /** Whole frames decoded on framed listeners. */
    public long frames() {
        return this.frames;
    }

    /** Connections that ended inside a frame (the partial frame was reported). */
    public long partialFrames() {
        return this.partialFrames;
    }

    /** Connections whose bytes broke the framing with {@code error}. */
    public long frameErrors(FrameError error) {
        return this.frameErrorsByError.get(error.ordinal());
    }

    /** Whether accepting is paused: after EMFILE/ENFILE, or with the descriptor budget spent. */
    volatile boolean acceptPaused;

    volatile long acceptPauses;

    /** Pause episodes per {@link AcceptPauseReason#ordinal()}. */
    private final AtomicLongArray acceptPausesByReason = new AtomicLongArray(AcceptPauseReason.values().length);

    void countAcceptPause(AcceptPauseReason reason) {
        int i = reason.ordinal();
        this.acceptPausesByReason.lazySet(i, this.acceptPausesByReason.get(i) + 1);
        this.acceptPauses++;
    }

    void countRejected(RejectReason reason) {
        int i = reason.ordinal();
        this.rejectedByReason.lazySet(i, this.rejectedByReason.get(i) + 1);
        this.rejected++;
    }

    /** Connections rejected at accept by a limit. */
    public long rejected() {
        return this.rejected;
    }

    /** Connections rejected for {@code reason}. */
    public long rejected(RejectReason reason) {
        return this.rejectedByReason.get(reason.ordinal());
    }

    /**
     * Whether accepting is paused, for either {@link AcceptPauseReason}: the process or system
     * ran out of descriptors (EMFILE/ENFILE), or kqlisten's connections hold every descriptor
     * the reserve leaves them. It resumes when a connection closes (or, after EMFILE/ENFILE,
     * from a timer with back-off).
     */
    public boolean acceptPaused() {
        return this.acceptPaused;
    }

    /** How many episodes paused accepting, for any reason. */
    public long acceptPauses() {
        return this.acceptPauses;
    }

    /** How many episodes paused accepting for {@code reason}. */
    public long acceptPauses(AcceptPauseReason reason) {
        return this.acceptPausesByReason.get(reason.ordinal());
    }

    /** Failed accepts per {@link Errno#ordinal()}. */
    private final AtomicLongArray acceptErrorsByErrno = new AtomicLongArray(Errno.values().length);

    void countClosed(CloseReason reason) {
        int i = reason.ordinal();
        // Single writer: a plain read plus a release store is enough, and cheaper than a CAS.
        this.closedByReason.lazySet(i, this.closedByReason.get(i) + 1);
        this.closed++;
    }

    void countAcceptError(Errno errno) {
        int i = errno.ordinal();
        this.acceptErrorsByErrno.lazySet(i, this.acceptErrorsByErrno.get(i) + 1);
        this.acceptErrors++;
    }

    /** Connections closed for {@code reason}. */
    public long closed(CloseReason reason) {
        return this.closedByReason.get(reason.ordinal());
    }

    /** Accepts that failed with {@code errno}. */
    public long acceptErrors(Errno errno) {
        return this.acceptErrorsByErrno.get(errno.ordinal());
    }

    /** {@link System#nanoTime()} when the loop last returned from its wait. */
    public long lastWakeNanos() {
        return this.lastWakeNanos;
    }

    /**
     * {@link System#nanoTime()} when the loop began handling its current batch, or 0 while it
     * waits: a value far in the past means the loop is stuck, typically in a slow listener.
     */
    public long dispatchStartedNanos() {
        return this.dispatchStartedNanos;
    }

    public long accepted() {
        return this.accepted;
    }

    public long closed() {
        return this.closed;
    }

    public long bytesRead() {
        return this.bytesRead;
    }

    public long reads() {
        return this.reads;
    }

    /** Reads whose bytes were handed to the listener (a data event each). */
    public long dataEvents() {
        return this.dataEvents;
    }

    /**
     * Wake-ups of the loop requested by other threads ({@link Poller#execute}, shutdown): one per
     * kernel wake-up, however many requests it coalesced. Counted when the loop consumes it.
     */
    public long wakeups() {
        return this.wakeups;
    }

    /**
     * Exceptions thrown by this poller's own {@link PollerListener} callbacks (caught by
     * {@link ContainedListener}). Not the application's event listeners: Spring's bridge contains
     * and counts those where it publishes, so it does not throw into the poller.
     */
    public long listenerFailures() {
        return this.listenerFailures;
    }

    public int activeConnections() {
        return this.activeConnections;
    }

    public long acceptErrors() {
        return this.acceptErrors;
    }

    public long loopIterations() {
        return this.loopIterations;
    }

    public long loopFailures() {
        return this.loopFailures;
    }

    /**
     * The counters of several pollers of one listener as one: counts and gauges summed, the
     * oldest wake-up and the oldest dispatch still running, paused when any is paused. A
     * snapshot; the one poller's own, live counters when there is one.
     */
    public static PollerStats sum(List<PollerStats> pollers) {
        if (pollers.size() == 1) {
            return pollers.get(0);
        }
        PollerStats sum = new PollerStats();
        sum.lastWakeNanos = Long.MAX_VALUE;
        for (PollerStats p : pollers) {
            sum.accepted += p.accepted;
            sum.closed += p.closed;
            sum.bytesRead += p.bytesRead;
            sum.reads += p.reads;
            sum.dataEvents += p.dataEvents;
            sum.wakeups += p.wakeups;
            sum.listenerFailures += p.listenerFailures;
            sum.activeConnections += p.activeConnections;
            sum.acceptErrors += p.acceptErrors;
            sum.loopIterations += p.loopIterations;
            sum.loopFailures += p.loopFailures;
            sum.rejected += p.rejected;
            sum.bytesWritten += p.bytesWritten;
            sum.writes += p.writes;
            sum.writeQueueBytes += p.writeQueueBytes;
            sum.writabilityChanges += p.writabilityChanges;
            sum.frames += p.frames;
            sum.partialFrames += p.partialFrames;
            sum.acceptPauses += p.acceptPauses;
            sum.acceptPaused |= p.acceptPaused;
            long wake = p.lastWakeNanos;
            if (wake - sum.lastWakeNanos < 0 || sum.lastWakeNanos == Long.MAX_VALUE) {
                sum.lastWakeNanos = wake;
            }
            long started = p.dispatchStartedNanos;
            if (started != 0 && (sum.dispatchStartedNanos == 0 || started - sum.dispatchStartedNanos < 0)) {
                sum.dispatchStartedNanos = started;
            }
            add(sum.closedByReason, p.closedByReason);
            add(sum.rejectedByReason, p.rejectedByReason);
            add(sum.frameErrorsByError, p.frameErrorsByError);
            add(sum.acceptPausesByReason, p.acceptPausesByReason);
            add(sum.acceptErrorsByErrno, p.acceptErrorsByErrno);
        }
        return sum;
    }

    private static void add(AtomicLongArray sum, AtomicLongArray part) {
        for (int i = 0; i < sum.length(); i++) {
            sum.set(i, sum.get(i) + part.get(i));
        }
    }

}
