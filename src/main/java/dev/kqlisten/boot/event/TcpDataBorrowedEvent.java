package dev.kqlisten.boot.event;

import java.nio.ByteBuffer;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * Bytes arrived on a connection, lent for the duration of the listener call (see
 * {@link TcpLentBytesEvent}): {@link #getData()} is a read-only view of the poller's native read
 * buffer, which the next read overwrites.
 * <p>
 * The event is published only while a listener declared for this type exists (a listener of every
 * event alone does not count, but receives it then too), for every read in arrival order,
 * on the poller thread (in executor dispatch mode, on the connection's worker, over a copy). When
 * both kinds of data listener exist, each read is published as this event first and then as a
 * {@link TcpDataReceivedEvent}.
 */
public class TcpDataBorrowedEvent extends TcpLentBytesEvent {

    private static final long serialVersionUID = 1L;

    /**
     * @param data the bytes, from its position to its limit; lent to the event until
     * {@link #release()}, and never written through the event
     */
    public TcpDataBorrowedEvent(ConnectionInfo connection, ByteBuffer data) {
        super(connection, data);
    }

    @Override
    Class<? extends TcpBytesEvent> owningAlternative() {
        return TcpDataReceivedEvent.class;
    }

}
