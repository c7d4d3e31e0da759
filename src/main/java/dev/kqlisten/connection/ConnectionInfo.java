package dev.kqlisten.connection;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * Immutable facts about one accepted connection, safe to hand to any thread.
 *
 * @param id the connection id, unique within the JVM and never reused (not the fd)
 * @param listenerName the name of the listener that accepted it
 * @param remoteAddress the peer's address
 * @param localAddress the local address the peer connected to
 * @param openedAt when it was accepted
 */
public record ConnectionInfo(long id, String listenerName, InetSocketAddress remoteAddress,
        InetSocketAddress localAddress, Instant openedAt) {
}
