package dev.kqlisten.server;

import java.util.List;

import dev.kqlisten.poller.PollerObserver;
import dev.kqlisten.poller.PollerStats;

/**
 * Told by {@link KqlistenServer} about every listener it starts, before its poller threads
 * run; supplies the {@link PollerObserver} of those pollers' loops. Implemented by metrics, so
 * that they see the live counters of each listener across restarts.
 */
@FunctionalInterface
public interface PollerObservers {

    /** Observes nothing. */
    PollerObservers NONE = (listenerName, pollers) -> PollerObserver.NONE;

    /**
     * A listener's pollers are about to start.
     *
     * @param listenerName the listener's name
     * @param pollers the counters of each of its new pollers, live
     * @return the observer their loops call once per iteration, each on its own poller thread
     */
    PollerObserver starting(String listenerName, List<PollerStats> pollers);

}
