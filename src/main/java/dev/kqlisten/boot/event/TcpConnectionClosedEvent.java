package dev.kqlisten.boot.event;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;

/**
 * A connection was closed and its descriptor released; the last event of a connection,
 * published exactly once on the poller thread.
 */
public class TcpConnectionClosedEvent extends TcpConnectionEvent {

    private static final long serialVersionUID = 1L;

    private final CloseReason reason;

    private final @Nullable String error;

    public TcpConnectionClosedEvent(ConnectionInfo connection, CloseReason reason, @Nullable String error) {
        super(connection);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.error = error;
    }

    public CloseReason getReason() {
        return this.reason;
    }

    /**
     * The errno name ({@code ECONNRESET}, ...) behind {@link CloseReason#RESET} or
     * {@link CloseReason#ERROR}; {@code null} for the other reasons.
     */
    public @Nullable String getError() {
        return this.error;
    }

}
