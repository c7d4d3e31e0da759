package dev.kqlisten.boot.event;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * The peer shut down its sending side (EOF). Published on the poller thread after every
 * {@link TcpDataReceivedEvent} for the bytes sent before it, and before the
 * {@link TcpConnectionClosedEvent}.
 */
public class TcpPeerClosedEvent extends TcpConnectionEvent {

    private static final long serialVersionUID = 1L;

    public TcpPeerClosedEvent(ConnectionInfo connection) {
        super(connection);
    }

}
