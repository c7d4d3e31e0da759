package dev.kqlisten.boot.actuate;

import java.time.Duration;
import java.util.List;

import dev.kqlisten.server.TcpListenerInfo;

/**
 * The state of one listener as health and the {@code kqlisten} endpoint report it, with the
 * reason when it is not serving.
 *
 * @param status what the listener is doing; health and the endpoint show its name
 * @param reason why it is not serving, or {@code null}
 */
record ListenerState(Status status, String reason) {

    /** The states a listener can be in; only {@link #RUNNING} serves. */
    enum Status {

        /** Its pollers accept and read. */
        RUNNING,

        /** One of its pollers has been handling one batch for longer than the stall threshold. */
        STALLED,

        /** One of its poller threads has died. */
        DEAD,

        /** No poller runs for it. */
        STOPPED

    }

    /** Whether the listener accepts and reads. */
    boolean serving() {
        return this.status == Status.RUNNING;
    }

    /**
     * Judges {@code info}, the running listener of that name or {@code null} when none runs.
     *
     * @param stallThreshold how long one dispatch may last before the loop counts as stuck
     * @param nanoNow {@link System#nanoTime()} of the check
     */
    static ListenerState of(String listenerName, TcpListenerInfo info, Duration stallThreshold, long nanoNow) {
        if (info == null) {
            return new ListenerState(Status.STOPPED, "listener '" + listenerName + "' is not running");
        }
        // Any poller that is dead or stalled takes the listener down: its connections are not served.
        for (TcpListenerInfo.PollerInfo poller : info.pollers()) {
            if (!poller.alive()) {
                return new ListenerState(Status.DEAD, "poller thread " + poller.threadName()
                        + " died; the listener no longer accepts or reads" + others(info) + " (see the log)");
            }
        }
        for (TcpListenerInfo.PollerInfo poller : info.pollers()) {
            long started = poller.stats().dispatchStartedNanos();
            if (started != 0) {
                Duration busy = Duration.ofNanos(nanoNow - started);
                if (busy.compareTo(stallThreshold) > 0) {
                    return new ListenerState(Status.STALLED, "poller thread " + poller.threadName()
                            + " has been handling one batch of events for " + busy.toMillis()
                            + " ms (kqlisten.health.stall-threshold is " + stallThreshold.toMillis()
                            + " ms), probably blocked in an event listener");
                }
            }
        }
        return new ListenerState(Status.RUNNING, null);
    }

    /** With several pollers, a dead one leaves the connections of the others served. */
    private static String others(TcpListenerInfo info) {
        return (info.pollers().size() > 1) ? " on its connections" : "";
    }

    static TcpListenerInfo find(List<TcpListenerInfo> running, String listenerName) {
        return running.stream().filter((info) -> info.name().equals(listenerName)).findFirst().orElse(null);
    }

}
