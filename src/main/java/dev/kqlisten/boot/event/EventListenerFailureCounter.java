package dev.kqlisten.boot.event;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts exceptions thrown by application listeners of {@link TcpEvent}s, and failures to
 * publish them. Incremented by every poller thread; read by metrics.
 */
public final class EventListenerFailureCounter {

    private final LongAdder failures = new LongAdder();

    void increment() {
        this.failures.increment();
    }

    /** Failures counted since the application started. */
    public long count() {
        return this.failures.sum();
    }

}
