package dev.kqlisten.boot.event;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * A connection was accepted and registered with the poller. Published on the poller thread,
 * before any {@link TcpDataReceivedEvent} of the connection.
 */
public class TcpConnectionOpenedEvent extends TcpConnectionEvent {

    private static final long serialVersionUID = 1L;

    public TcpConnectionOpenedEvent(ConnectionInfo connection) {
        super(connection);
    }

}
