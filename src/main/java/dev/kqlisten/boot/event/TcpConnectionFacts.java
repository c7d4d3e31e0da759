package dev.kqlisten.boot.event;

import java.net.InetSocketAddress;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * Accessors shared by the events of one connection: every {@link TcpConnectionEvent}, and
 * {@link TcpDataBorrowedEvent}, which is deliberately not one.
 */
public interface TcpConnectionFacts {

    /** The connection's immutable facts. */
    ConnectionInfo getConnection();

    /** The connection id: unique in the JVM, never reused, not the fd. */
    default long getConnectionId() {
        return getConnection().id();
    }

    default InetSocketAddress getRemoteAddress() {
        return getConnection().remoteAddress();
    }

    default InetSocketAddress getLocalAddress() {
        return getConnection().localAddress();
    }

}
