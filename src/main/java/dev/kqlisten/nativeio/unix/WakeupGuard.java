package dev.kqlisten.nativeio.unix;

/**
 * The part of a {@link dev.kqlisten.nativeio.Multiplexer} that any thread may reach: a wake-up
 * that never runs after {@link #close()}, and the remaining time of a wait that EINTR cut short.
 * Shared by the kqueue and epoll multiplexers, which differ only in the signal they send.
 * <p>
 * The wake-up is sent under a lock, so {@code close()} cannot run between the check and the
 * call: a wake-up from a late thread must never reach a descriptor number the OS has already
 * given to someone else. This narrows, but cannot close, the window in which a thread that read
 * the descriptor earlier still signals it; callers must stop waking before they close (the poller
 * does: it closes the multiplexer last, on its own thread, after shutdown was requested). The lock
 * costs nothing that matters: the poller coalesces wake-ups, so they are rare.
 */
public final class WakeupGuard {

    /** Writes the wake-up event; created once by the multiplexer, so waking allocates nothing. */
    private final Runnable signal;

    private final Object lock = new Object();

    /** Guarded by {@link #lock}. */
    private boolean closed;

    public WakeupGuard(Runnable signal) {
        this.signal = signal;
    }

    /** Sends the wake-up unless {@link #close()} has run. Any thread. */
    public void wakeup() {
        synchronized (this.lock) {
            if (!this.closed) {
                this.signal.run();
            }
        }
    }

    /**
     * Stops all later wake-ups.
     *
     * @return true the first time only, so the caller releases its descriptors exactly once
     */
    public boolean close() {
        synchronized (this.lock) {
            if (this.closed) {
                return false;
            }
            this.closed = true;
            return true;
        }
    }

    /** When a wait of {@code timeoutNanos} that starts now ends; only meaningful for a positive timeout. */
    public static long deadline(long timeoutNanos) {
        return (timeoutNanos > 0) ? System.nanoTime() + timeoutNanos : 0;
    }

    /**
     * The timeout for retrying a wait interrupted by EINTR: for a bounded wait, the time left until
     * {@code deadline} (0 once it has passed); otherwise {@code timeoutNanos} as it was (negative:
     * no limit; 0: poll).
     */
    public static long remaining(long timeoutNanos, long deadline) {
        return (timeoutNanos > 0) ? Math.max(0, deadline - System.nanoTime()) : timeoutNanos;
    }

}
