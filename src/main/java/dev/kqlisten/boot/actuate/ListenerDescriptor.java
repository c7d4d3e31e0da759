package dev.kqlisten.boot.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.kqlisten.poller.PollerStats;
import dev.kqlisten.server.TcpListenerInfo;

/**
 * One listener in the {@code kqlisten} endpoint: where it is bound, its state and its counters
 * since it started. Its connections are in the endpoint's page of connections. The bound
 * address and port are this host's own, not a peer's, so they are always shown.
 *
 * @param name the listener's name
 * @param address the bound address
 * @param port the bound port
 * @param backend {@code kqueue} or {@code epoll}
 * @param state RUNNING, STALLED, DEAD or STOPPED
 * @param reason why it is not RUNNING, or {@code null}
 * @param pollers how many pollers serve it
 * @param activeConnections open connections, on all of its pollers
 * @param totals counters since the listener (re)started, summed over its pollers
 */
public record ListenerDescriptor(String name, String address, int port, String backend, String state, String reason,
        int pollers, int activeConnections, Map<String, Long> totals) {

    static ListenerDescriptor of(TcpListenerInfo info, ListenerState state) {
        PollerStats stats = info.stats();
        Map<String, Long> totals = new LinkedHashMap<>();
        totals.put("accepted", stats.accepted());
        totals.put("closed", stats.closed());
        totals.put("bytesRead", stats.bytesRead());
        totals.put("reads", stats.reads());
        totals.put("acceptErrors", stats.acceptErrors());
        totals.put("loopFailures", stats.loopFailures());
        return new ListenerDescriptor(info.name(), info.address().getAddress().getHostAddress(),
                info.address().getPort(), info.backend(), state.status().name(), state.reason(), info.pollers().size(),
                stats.activeConnections(),
                totals);
    }

}
