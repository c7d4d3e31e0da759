package dev.kqlisten.connection;

import dev.kqlisten.framing.FrameDecoder;

/**
 * One accepted connection as the poller tracks it. Mutable and owned by the poller thread: no
 * other thread may hold or read an instance (they see {@link ConnectionInfo}).
 */
public final class Connection {

    private final ConnectionInfo info;

    private final int fd;

    private ConnectionState state = ConnectionState.OPEN;

    private long bytesRead;

    private long lastReadNanos;

    private boolean readsSuspended;

    private boolean inputClosed;

    private long bytesWritten;

    private final FrameDecoder decoder;

    public Connection(ConnectionInfo info, int fd, long openedNanos) {
        this(info, fd, openedNanos, null);
    }

    /** @param decoder the state of its framing, or {@code null} when its reads are not framed */
    public Connection(ConnectionInfo info, int fd, long openedNanos, FrameDecoder decoder) {
        this.info = info;
        this.fd = fd;
        this.lastReadNanos = openedNanos;
        this.decoder = decoder;
    }

    /** Its framing's decoder, or {@code null} when its reads are not framed. */
    public FrameDecoder decoder() {
        return this.decoder;
    }

    public ConnectionInfo info() {
        return this.info;
    }

    public long id() {
        return this.info.id();
    }

    public int fd() {
        return this.fd;
    }

    public ConnectionState state() {
        return this.state;
    }

    public long bytesRead() {
        return this.bytesRead;
    }

    /** {@link System#nanoTime()} of the last read that returned bytes, or of the accept. */
    public long lastReadNanos() {
        return this.lastReadNanos;
    }

    public void recordRead(int bytes, long nowNanos) {
        this.bytesRead += bytes;
        this.lastReadNanos = nowNanos;
    }

    /** Whether its read filter is disabled for flow control. */
    public boolean readsSuspended() {
        return this.readsSuspended;
    }

    public void suspendReads(boolean suspended) {
        this.readsSuspended = suspended;
    }

    /**
     * Whether its input is over: the peer's end of stream was delivered, or the connection is
     * closing. Nothing more is read or delivered, and its read filter stays off.
     */
    public boolean inputClosed() {
        return this.inputClosed;
    }

    public void closeInput() {
        this.inputClosed = true;
    }

    public long bytesWritten() {
        return this.bytesWritten;
    }

    public void recordWrite(long bytes) {
        this.bytesWritten += bytes;
    }

    public void markPeerClosed() {
        this.state = ConnectionState.PEER_CLOSED;
    }

    /**
     * Moves to {@link ConnectionState#CLOSED}; returns false if it already was, so that a
     * connection is closed exactly once.
     */
    public boolean markClosed() {
        if (this.state == ConnectionState.CLOSED) {
            return false;
        }
        this.state = ConnectionState.CLOSED;
        return true;
    }

}
