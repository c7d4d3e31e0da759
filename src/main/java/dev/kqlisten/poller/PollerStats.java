package dev.kqlisten.poller;

/**
 * Counters of one poller. Each field is written only by the poller thread and is volatile so
 * that other threads (metrics, actuator) read whole, current values.
 */
public final class PollerStats {

    volatile long accepted;

    volatile long closed;

    volatile long bytesRead;

    volatile long reads;

    volatile long wakeups;

    volatile long listenerFailures;

    volatile int activeConnections;

    volatile long acceptErrors;

    volatile long loopIterations;

    volatile long loopFailures;

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

    public long wakeups() {
        return this.wakeups;
    }

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

}
