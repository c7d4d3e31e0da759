package dev.kqlisten.server;

import java.net.InetSocketAddress;

import dev.kqlisten.poller.PollerStats;

/**
 * A running listener, as {@link KqlistenServer#getListeners()} reports it.
 *
 * @param name the listener's name
 * @param address the address actually bound, with the real port
 * @param backend {@code kqueue} or {@code epoll}
 * @param threadName the poller thread's name
 * @param alive whether the poller thread is still running
 * @param stats the poller's counters, live
 */
public record TcpListenerInfo(String name, InetSocketAddress address, String backend, String threadName,
        boolean alive, PollerStats stats) {
}
