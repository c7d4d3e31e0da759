package dev.kqlisten.boot.event;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.ConnectionWriter;
import dev.kqlisten.connection.WriteResult;

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

    /**
     * Writes to the connection and closes it; safe on any thread, and may be kept after the
     * event (as Netty's channel may).
     */
    default ConnectionWriter getWriter() {
        return getConnection().writer();
    }

    /**
     * Queues {@code data} for the connection, which owns the array from now on. The result says
     * whether it was queued and whether to slow down; see {@link ConnectionWriter}.
     */
    default WriteResult reply(byte[] data) {
        return getWriter().write(data);
    }

    /** Queues a copy of the remaining bytes of {@code data}, for instance a borrowed event's data. */
    default WriteResult reply(ByteBuffer data) {
        return getWriter().write(data);
    }

}
