package dev.kqlisten.server;

import dev.kqlisten.poller.PollerObserver;
import dev.kqlisten.poller.PollerStats;

/**
 * Told by {@link KqlistenServer} about every poller it starts, before the poller's thread
 * runs; supplies the {@link PollerObserver} of that poller's loop. Implemented by metrics, so
 * that they see the live counters of each listener across restarts.
 */
@FunctionalInterface
public interface PollerObservers {

    /** Observes nothing. */
    PollerObservers NONE = (listenerName, stats) -> PollerObserver.NONE;

    /**
     * A poller is about to start.
     *
     * @param listenerName the listener's name
     * @param stats the new poller's counters, live
     * @return the observer its loop calls once per iteration, on the poller thread
     */
    PollerObserver starting(String listenerName, PollerStats stats);

}
