package dev.kqlisten.boot.event;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * A connection of a listener with a framing ended inside a message: the bytes of that message
 * received so far (after its header, if it has one), so that nothing is dropped silently.
 * Published before the {@link TcpPeerClosedEvent} when the peer closed, or before the
 * {@link TcpConnectionClosedEvent} when the connection ended otherwise (reset, timeout,
 * shutdown).
 */
public class TcpPartialMessageEvent extends TcpBytesEvent {

    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * @param partial the bytes; the event takes ownership and the caller must not modify them
     * @param offset where in the connection's stream the message starts
     */
    public TcpPartialMessageEvent(ConnectionInfo connection, byte[] partial, long offset) {
        super(connection, partial);
        this.offset = offset;
    }

    /** Where in the connection's stream (bytes received before it) the message starts. */
    public long getOffset() {
        return this.offset;
    }

}
