package dev.kqlisten.boot.event;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * The connection's write queue crossed a water mark: it turned unwritable above the listener's
 * {@code write-high-water-mark} (the peer reads slower than the application writes: stop writing
 * to it), or writable again at its {@code write-low-water-mark}. The two alternate, starting with
 * unwritable. Published in order with the connection's other events.
 */
public class TcpWritabilityChangedEvent extends TcpConnectionEvent {

    private static final long serialVersionUID = 1L;

    private final boolean writable;

    public TcpWritabilityChangedEvent(ConnectionInfo connection, boolean writable) {
        super(connection);
        this.writable = writable;
    }

    /** Whether the connection is writable again ({@code false}: slow down). */
    public boolean isWritable() {
        return this.writable;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[connection=" + getConnectionId() + ", writable=" + this.writable + "]";
    }

}
