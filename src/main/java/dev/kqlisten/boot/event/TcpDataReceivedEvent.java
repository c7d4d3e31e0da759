package dev.kqlisten.boot.event;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * Bytes arrived on a connection. Published on the poller thread, in arrival order.
 * <p>
 * The poller hands over a fresh array per read, and every listener of the event shares it.
 * To keep the event immutable without copying on the poller thread, the array is never exposed:
 * {@link #getData()} returns a read-only view (no copy; a new view per call, so listeners do not
 * share a position), and {@link #copyBytes()} copies for a listener that wants an array.
 */
public class TcpDataReceivedEvent extends TcpConnectionEvent {

    private static final long serialVersionUID = 1L;

    private final byte[] data;

    /**
     * @param data bytes read; the event takes ownership and the caller must not modify it
     */
    public TcpDataReceivedEvent(ConnectionInfo connection, byte[] data) {
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

    /** The number of bytes received. */
    public int getLength() {
        return this.data.length;
    }

}
