package dev.kqlisten.dispatch;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The limits and the accounting shared by every {@link OrderedDispatcher} of one application:
 * bytes in flight (read by a poller, not yet handled by the listener) per connection and in
 * total, the gate that pauses reading when the total is exceeded, and the counters that metrics
 * read. Thread-safe; every field is an atomic because poller threads and worker threads update
 * them concurrently and none may block.
 * <p>
 * <b>The total gate.</b> It closes when a read takes the total above
 * {@link #maxBytesInFlight()}; while it is closed every connection that reads is suspended and
 * waits here. It opens when the total has drained to half the bound, and then every waiting
 * connection is asked to resume. The half-way mark keeps connections from being resumed and
 * suspended again on every event near the bound; closing on any read while shut keeps one
 * waiting connection from starving behind others that still read.
 */
public final class DispatchBudget {

    private final long maxBytesInFlightPerConnection;

    private final long maxBytesInFlight;

    private final long totalLowWater;

    private final AtomicLong bytesInFlight = new AtomicLong();

    private final AtomicBoolean open = new AtomicBoolean(true);

    /** Connections suspended while the gate was closed; each at most once (see Waiter). */
    private final Queue<Waiter> waiting = new ConcurrentLinkedQueue<>();

    private final AtomicInteger suspendedConnections = new AtomicInteger();

    private final AtomicLong suspensions = new AtomicLong();

    private final AtomicLong listenerFailures = new AtomicLong();

    /**
     * @param maxBytesInFlightPerConnection bytes in flight of one connection above which its
     * reads are suspended
     * @param maxBytesInFlight bytes in flight of all connections above which every connection
     * that reads is suspended
     */
    public DispatchBudget(long maxBytesInFlightPerConnection, long maxBytesInFlight) {
        if (maxBytesInFlightPerConnection < 1) {
            throw new IllegalArgumentException(
                    "maxBytesInFlightPerConnection must be at least 1, was " + maxBytesInFlightPerConnection);
        }
        if (maxBytesInFlight < maxBytesInFlightPerConnection) {
            throw new IllegalArgumentException("maxBytesInFlight (" + maxBytesInFlight
                    + ") must be at least maxBytesInFlightPerConnection (" + maxBytesInFlightPerConnection + ")");
        }
        this.maxBytesInFlightPerConnection = maxBytesInFlightPerConnection;
        this.maxBytesInFlight = maxBytesInFlight;
        this.totalLowWater = maxBytesInFlight / 2;
    }

    public long maxBytesInFlightPerConnection() {
        return this.maxBytesInFlightPerConnection;
    }

    public long maxBytesInFlight() {
        return this.maxBytesInFlight;
    }

    /** Bytes handed to listeners' queues and not yet handled, over all connections. */
    public long bytesInFlight() {
        return this.bytesInFlight.get();
    }

    /** Connections whose reads are suspended now. */
    public int suspendedConnections() {
        return this.suspendedConnections.get();
    }

    /** How many times a connection's reads were suspended, since start. */
    public long suspensions() {
        return this.suspensions.get();
    }

    /** Listener exceptions caught on worker threads, since start. */
    public long listenerFailures() {
        return this.listenerFailures.get();
    }

    /** Whether the total is not (or no longer) over its bound: connections may read. */
    boolean isOpen() {
        return this.open.get();
    }

    /**
     * Accounts {@code n} bytes just read; returns whether the gate is open afterwards. Poller
     * thread.
     */
    boolean acquire(int n) {
        long total = this.bytesInFlight.addAndGet(n);
        if (total > this.maxBytesInFlight && this.open.compareAndSet(true, false)) {
            // A worker may have drained the total below the low-water mark between the add
            // and the close, and seen the gate still open: no one would open it again.
            if (this.bytesInFlight.get() <= this.totalLowWater) {
                reopen();
            }
        }
        return this.open.get();
    }

    /** Accounts {@code n} bytes handled; opens the gate once the total is low enough. Any thread. */
    void release(int n) {
        long total = this.bytesInFlight.addAndGet(-n);
        if (total <= this.totalLowWater && !this.open.get()) {
            reopen();
        }
    }

    /**
     * Queues {@code waiter} until the gate opens; if it is open already (it opened after the
     * caller saw it closed), wakes the waiters at once.
     */
    void await(Waiter waiter) {
        this.waiting.add(waiter);
        if (this.open.get()) {
            wakeWaiters();
        }
    }

    /** Forgets a waiter whose connection has closed. */
    void forget(Waiter waiter) {
        this.waiting.remove(waiter);
    }

    void suspended() {
        this.suspendedConnections.incrementAndGet();
        this.suspensions.incrementAndGet();
    }

    void resumed() {
        this.suspendedConnections.decrementAndGet();
    }

    void listenerFailed() {
        this.listenerFailures.incrementAndGet();
    }

    private void reopen() {
        if (this.open.compareAndSet(false, true)) {
            wakeWaiters();
        }
    }

    /**
     * Stops when the gate closes again: a waiter that finds it closed queues itself anew, and
     * whoever opens it next wakes it.
     */
    private void wakeWaiters() {
        Waiter waiter;
        while (this.open.get() && (waiter = this.waiting.poll()) != null) {
            waiter.gateOpened();
        }
    }

    /** A suspended connection waiting for the gate. */
    interface Waiter {

        /** Called once per queueing, on the thread that opened the gate or queued it. */
        void gateOpened();

    }

}
