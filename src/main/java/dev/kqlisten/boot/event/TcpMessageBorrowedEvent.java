package dev.kqlisten.boot.event;

import java.nio.ByteBuffer;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * A whole message arrived, lent for the duration of the listener call (see
 * {@link TcpLentBytesEvent}): the zero-copy alternative to {@link TcpMessageReceivedEvent}. The
 * view shows the poller's read buffer when the message lay whole in one read, else the
 * connection's message buffer; either is reused after the call.
 * <p>
 * Published only while a listener declared for this type exists, before the
 * {@link TcpMessageReceivedEvent} of the same message when both kinds of listener exist.
 */
public class TcpMessageBorrowedEvent extends TcpLentBytesEvent {

    private static final long serialVersionUID = 1L;

    /** @param message the message, from its position to its limit; lent until {@link #release()} */
    public TcpMessageBorrowedEvent(ConnectionInfo connection, ByteBuffer message) {
        super(connection, message);
    }

    @Override
    Class<? extends TcpBytesEvent> owningAlternative() {
        return TcpMessageReceivedEvent.class;
    }

}
