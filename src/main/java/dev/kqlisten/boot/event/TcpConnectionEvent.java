package dev.kqlisten.boot.event;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * Base of the events of one accepted connection; its source is the connection's
 * {@link ConnectionInfo}. Published on the listener's poller thread, so a slow listener delays
 * every connection of that listener.
 */
public abstract class TcpConnectionEvent extends TcpEvent implements TcpConnectionFacts {

    private static final long serialVersionUID = 1L;

    protected TcpConnectionEvent(ConnectionInfo connection) {
        super(connection, connection.listenerName());
    }

    @Override
    public ConnectionInfo getConnection() {
        return (ConnectionInfo) getSource();
    }

}
