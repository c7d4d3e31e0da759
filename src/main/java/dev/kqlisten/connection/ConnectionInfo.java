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
 * @param writer writes to the connection and closes it, from any thread
 * @param proxyAddress with the PROXY protocol, the proxy's address (the socket's peer), while
 * {@code remoteAddress} is the client's as the proxy reported it; {@code null} for a direct
 * connection
 */
public record ConnectionInfo(long id, String listenerName, InetSocketAddress remoteAddress,
        InetSocketAddress localAddress, Instant openedAt, ConnectionWriter writer, InetSocketAddress proxyAddress) {

    /** Facts of a direct connection (no proxy). */
    public ConnectionInfo(long id, String listenerName, InetSocketAddress remoteAddress,
            InetSocketAddress localAddress, Instant openedAt, ConnectionWriter writer) {
        this(id, listenerName, remoteAddress, localAddress, openedAt, writer, null);
    }

    /** Facts of a connection that cannot be written to ({@link ConnectionWriter#CLOSED}). */
    public ConnectionInfo(long id, String listenerName, InetSocketAddress remoteAddress,
            InetSocketAddress localAddress, Instant openedAt) {
        this(id, listenerName, remoteAddress, localAddress, openedAt, ConnectionWriter.CLOSED);
    }

}
