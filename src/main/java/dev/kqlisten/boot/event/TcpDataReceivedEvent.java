package dev.kqlisten.boot.event;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * Bytes arrived on a connection: one read, as it came. Published on the poller thread, in
 * arrival order, also on a listener with a framing (where {@link TcpMessageReceivedEvent} carries
 * the messages).
 * <p>
 * The poller hands over a fresh array per read, and every listener of the event shares it; see
 * {@link TcpBytesEvent} for how it stays immutable without a copy on the poller thread.
 */
public class TcpDataReceivedEvent extends TcpBytesEvent {

    private static final long serialVersionUID = 1L;

    /**
     * @param data bytes read; the event takes ownership and the caller must not modify it
     */
    public TcpDataReceivedEvent(ConnectionInfo connection, byte[] data) {
        super(connection, data);
    }

}
