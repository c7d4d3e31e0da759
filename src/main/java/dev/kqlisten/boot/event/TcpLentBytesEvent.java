package dev.kqlisten.boot.event;

import java.nio.ByteBuffer;
import java.util.Objects;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * Base of the events that lend bytes for the duration of the listener call
 * ({@link TcpDataBorrowedEvent}, {@link TcpMessageBorrowedEvent}): the zero-copy alternative to
 * the events that own an array, for listeners that consume bytes as they come and keep at most a
 * copy of part of them.
 * <p>
 * {@link #getData()} is a read-only view of a buffer the poller reuses. A listener must finish
 * with the bytes before it returns and copy what it keeps ({@link #copyBytes()}). Once every
 * listener has returned, the event is released and {@link #getData()} and {@link #copyBytes()}
 * throw {@link IllegalStateException}, so an event kept by mistake (or handed to an
 * {@code @Async} listener) fails loudly instead of showing later bytes; a view obtained during
 * the call is not guarded that way and must not be kept either.
 * <p>
 * These events are not {@link TcpConnectionEvent}s, so listeners of all connection events do not
 * receive them by accident; a listener of every {@link TcpEvent} does.
 */
public abstract class TcpLentBytesEvent extends TcpEvent implements TcpConnectionFacts {

    private static final long serialVersionUID = 1L;

    private transient ByteBuffer data;

    private final int length;

    /**
     * @param data the bytes, from its position to its limit; lent to the event until
     * {@link #release()}, and never written through the event
     */
    protected TcpLentBytesEvent(ConnectionInfo connection, ByteBuffer data) {
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

    /** The number of bytes; still valid after the event was released. */
    public int getLength() {
        return this.length;
    }

    /** Ends the loan; called by the publisher once every listener has returned. */
    public void release() {
        this.data = null;
    }

    /** The event that owns its bytes and may be kept, named in the error of a late access. */
    abstract Class<? extends TcpBytesEvent> owningAlternative();

    private ByteBuffer lent() {
        ByteBuffer data = this.data;
        if (data == null) {
            throw new IllegalStateException("The bytes of a " + getClass().getSimpleName() + " are valid only while "
                    + "its listener runs; copy them with copyBytes() during the call, or listen to "
                    + owningAlternative().getSimpleName());
        }
        return data;
    }

}
