package dev.kqlisten.boot.actuate;

import java.time.Duration;
import java.util.List;

import dev.kqlisten.server.TcpListenerInfo;

/**
 * The state of one listener as health and the {@code kqlisten} endpoint report it, with the
 * reason when it is not serving.
 *
 * @param name RUNNING, STALLED, DEAD or STOPPED
 * @param serving whether the listener accepts and reads (RUNNING)
 * @param reason why it is not serving, or {@code null}
 */
record ListenerState(String name, boolean serving, String reason) {

    /**
     * Judges {@code info}, the running listener of that name or {@code null} when none runs.
     *
     * @param stallThreshold how long one dispatch may last before the loop counts as stuck
     * @param nanoNow {@link System#nanoTime()} of the check
     */
    static ListenerState of(String listenerName, TcpListenerInfo info, Duration stallThreshold, long nanoNow) {
        if (info == null) {
            return new ListenerState("STOPPED", false, "listener '" + listenerName + "' is not running");
        }
        if (!info.alive()) {
            return new ListenerState("DEAD", false,
                    "poller thread " + info.threadName() + " died; the listener no longer accepts or reads (see the log)");
        }
        long started = info.stats().dispatchStartedNanos();
        if (started != 0) {
            Duration busy = Duration.ofNanos(nanoNow - started);
            if (busy.compareTo(stallThreshold) > 0) {
                return new ListenerState("STALLED", false, "poller thread " + info.threadName() + " has been handling "
                        + "one batch of events for " + busy.toMillis() + " ms (kqlisten.health.stall-threshold is "
                        + stallThreshold.toMillis() + " ms), probably blocked in an event listener");
            }
        }
        return new ListenerState("RUNNING", true, null);
    }

    static TcpListenerInfo find(List<TcpListenerInfo> running, String listenerName) {
        return running.stream().filter((info) -> info.name().equals(listenerName)).findFirst().orElse(null);
    }

}
