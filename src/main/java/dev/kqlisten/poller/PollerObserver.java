package dev.kqlisten.poller;

/**
 * Told about every loop iteration of a {@link Poller}, on its thread; for metrics that need
 * more than counters (distributions, timers). Called once per iteration, never per event.
 */
@FunctionalInterface
public interface PollerObserver {

    /** Observes nothing. */
    PollerObserver NONE = (events, dispatchNanos) -> {
    };

    /**
     * One iteration finished.
     *
     * @param events ready events returned by the wait
     * @param dispatchNanos time spent handling them, listeners included
     */
    void iterated(int events, long dispatchNanos);

}
