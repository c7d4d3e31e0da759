package dev.kqlisten.boot.event;

import java.net.InetSocketAddress;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * Base of the events of one accepted connection; its source is the connection's
 * {@link ConnectionInfo}. Published on the listener's poller thread, so a slow listener delays
 * every connection of that listener.
 */
public abstract class TcpConnectionEvent extends TcpEvent {

    private static final long serialVersionUID = 1L;

    protected TcpConnectionEvent(ConnectionInfo connection) {
        super(connection, connection.listenerName());
    }

    /** The connection's immutable facts. */
    public ConnectionInfo getConnection() {
        return (ConnectionInfo) getSource();
    }

    /** The connection id: unique in the JVM, never reused, not the fd. */
    public long getConnectionId() {
        return getConnection().id();
    }

    public InetSocketAddress getRemoteAddress() {
        return getConnection().remoteAddress();
    }

    public InetSocketAddress getLocalAddress() {
        return getConnection().localAddress();
    }

}
