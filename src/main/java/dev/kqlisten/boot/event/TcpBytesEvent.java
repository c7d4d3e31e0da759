package dev.kqlisten.boot.event;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * Base of the connection events that own a fresh array of bytes ({@link TcpDataReceivedEvent},
 * {@link TcpMessageReceivedEvent}, {@link TcpPartialMessageEvent}). Every listener of the event
 * shares the array, so it is never exposed: {@link #getData()} returns a read-only view (no copy;
 * a new view per call, so listeners do not share a position), and {@link #copyBytes()} copies
 * for a listener that wants an array.
 */
public abstract class TcpBytesEvent extends TcpConnectionEvent {

    private static final long serialVersionUID = 1L;

    private final byte[] data;

    /** @param data the bytes; the event takes ownership and the caller must not modify them */
    protected TcpBytesEvent(ConnectionInfo connection, byte[] data) {
        super(connection);
        this.data = Objects.requireNonNull(data, "data");
    }

    /** A read-only view of the bytes, positioned at 0. */
    public ByteBuffer getData() {
        return ByteBuffer.wrap(this.data).asReadOnlyBuffer();
    }

    /** A copy of the bytes. */
    public byte[] copyBytes() {
        return Arrays.copyOf(this.data, this.data.length);
    }

    /** The number of bytes. */
    public int getLength() {
        return this.data.length;
    }

}
