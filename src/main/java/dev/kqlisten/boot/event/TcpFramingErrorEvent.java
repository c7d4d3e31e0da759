package dev.kqlisten.boot.event;

import java.util.Objects;

import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.framing.FrameError;

/**
 * A connection's bytes broke its listener's framing: a message longer than
 * {@code max-frame-length}, or a bad octet count or length header. The connection is
 * closed next, with reason {@code FRAME_TOO_LONG} or {@code MALFORMED_FRAME}; the messages before
 * the failing one were all published.
 */
public class TcpFramingErrorEvent extends TcpConnectionEvent {

    private static final long serialVersionUID = 1L;

    private final FrameError error;

    private final long offset;

    /** @param offset where in the connection's stream the failing message starts */
    public TcpFramingErrorEvent(ConnectionInfo connection, FrameError error, long offset) {
        super(connection);
        this.error = Objects.requireNonNull(error, "error");
        this.offset = offset;
    }

    /** What was wrong: FRAME_TOO_LONG, BAD_OCTET_COUNT or BAD_LENGTH. */
    public FrameError getError() {
        return this.error;
    }

    /** Where in the connection's stream (bytes received before it) the failing message starts. */
    public long getOffset() {
        return this.offset;
    }

}
