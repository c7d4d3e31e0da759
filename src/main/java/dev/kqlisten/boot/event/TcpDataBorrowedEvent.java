package dev.kqlisten.boot.event;

import java.nio.ByteBuffer;
import java.util.Objects;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * Bytes arrived on a connection, lent for the duration of the listener call: the zero-copy
 * alternative to {@link TcpDataReceivedEvent}, for listeners that consume bytes as they come
 * (checksums, parsers, forwarding) and keep at most a copy of part of them.
 * <p>
 * {@link #getData()} is a read-only view of the poller's native read buffer, which the next read
 * overwrites. A listener must therefore finish with the bytes before it returns and copy what it
 * keeps ({@link #copyBytes()}). Once every listener has returned, the event is released and
 * {@link #getData()} and {@link #copyBytes()} throw {@link IllegalStateException}, so an event
 * kept by mistake (or handed to an {@code @Async} listener) fails loudly instead of showing later
 * bytes; a view obtained during the call is not guarded that way and must not be kept either.
 * <p>
 * The event is published only while a listener declared for this type exists (a listener of every
 * event alone does not count, but receives it then too), for every read in arrival order,
 * on the poller thread (in executor dispatch mode, on the connection's worker, over a copy). When
 * both kinds of data listener exist, each read is published as this event first and then as a
 * {@link TcpDataReceivedEvent}. It is not a {@link TcpConnectionEvent}, so listeners of all
 * connection events do not receive it by accident; a listener of every {@link TcpEvent} does.
 */
public class TcpDataBorrowedEvent extends TcpEvent implements TcpConnectionFacts {

    private static final long serialVersionUID = 1L;

    private transient ByteBuffer data;

    private final int length;

    /**
     * @param data the bytes, from its position to its limit; lent to the event until
     * {@link #release()}, and never written through the event
     */
    public TcpDataBorrowedEvent(ConnectionInfo connection, ByteBuffer data) {
        super(connection, connection.listenerName());
        this.data = Objects.requireNonNull(data, "data");
        this.length = data.remaining();
    }

    @Override
    public ConnectionInfo getConnection() {
        return (ConnectionInfo) getSource();
    }

    /**
     * A read-only view of the bytes, positioned at 0, valid until the listener returns (a new
     * view per call, so listeners do not share a position).
     *
     * @throws IllegalStateException after the event was released
     */
    public ByteBuffer getData() {
        return lent().slice();
    }

    /**
     * A copy of the bytes, for a listener that keeps them.
     *
     * @throws IllegalStateException after the event was released
     */
    public byte[] copyBytes() {
        ByteBuffer data = lent();
        byte[] copy = new byte[this.length];
        data.get(data.position(), copy);
        return copy;
    }

    /** The number of bytes received; still valid after the event was released. */
    public int getLength() {
        return this.length;
    }

    /** Ends the loan; called by the publisher once every listener has returned. */
    public void release() {
        this.data = null;
    }

    private ByteBuffer lent() {
        ByteBuffer data = this.data;
        if (data == null) {
            throw new IllegalStateException("The bytes of a TcpDataBorrowedEvent are valid only while its listener "
                    + "runs; copy them with copyBytes() during the call, or listen to TcpDataReceivedEvent");
        }
        return data;
    }

}
