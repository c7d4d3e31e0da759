package dev.kqlisten.boot.event;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * A whole message arrived on a connection of a listener with a framing
 * ({@code kqlisten.listeners[i].framing}): a line without its line ending, an octet-counted
 * syslog message without its count, a length-prefixed record without its header, or a delimited
 * record without its delimiter. Published on the poller thread, in arrival order, one event per
 * message however the bytes were split into reads; a fresh array per message, shared by the
 * event's listeners as described in {@link TcpBytesEvent}.
 */
public class TcpMessageReceivedEvent extends TcpBytesEvent {

    private static final long serialVersionUID = 1L;

    /** @param message the message; the event takes ownership and the caller must not modify it */
    public TcpMessageReceivedEvent(ConnectionInfo connection, byte[] message) {
        super(connection, message);
    }

}
