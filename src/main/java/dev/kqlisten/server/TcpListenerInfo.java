package dev.kqlisten.server;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

import dev.kqlisten.poller.PollerStats;

/**
 * A running listener, as {@link KqlistenServer#getListeners()} reports it.
 *
 * @param name the listener's name
 * @param address the address actually bound, with the real port
 * @param backend {@code kqueue} or {@code epoll}
 * @param pollers the listener's pollers, at least one
 */
public record TcpListenerInfo(String name, InetSocketAddress address, String backend, List<PollerInfo> pollers) {

    public TcpListenerInfo {
        pollers = List.copyOf(pollers);
        if (pollers.isEmpty()) {
            throw new IllegalArgumentException("a listener has at least one poller");
        }
        Objects.requireNonNull(name, "name");
    }

    /** A listener with one poller. */
    public TcpListenerInfo(String name, InetSocketAddress address, String backend, String threadName, boolean alive,
            PollerStats stats) {
        this(name, address, backend, List.of(new PollerInfo(threadName, alive, stats)));
    }

    /** The first poller's thread name (the only one's, with one poller). */
    public String threadName() {
        return this.pollers.get(0).threadName();
    }

    /** Whether every poller thread is still running. */
    public boolean alive() {
        return this.pollers.stream().allMatch(PollerInfo::alive);
    }

    /** The counters of all pollers as one ({@link PollerStats#sum}); live with one poller. */
    public PollerStats stats() {
        return PollerStats.sum(this.pollers.stream().map(PollerInfo::stats).toList());
    }

    /**
     * One poller of a listener.
     *
     * @param threadName the poller thread's name
     * @param alive whether the thread is still running
     * @param stats the poller's counters, live
     */
    public record PollerInfo(String threadName, boolean alive, PollerStats stats) {
    }

}
