package dev.kqlisten.connection;

/**
 * Why kqlisten closed a connection. A small, fixed set, so it can tag a meter.
 */
public enum CloseReason {

    /** The peer shut down its sending side (EOF) and every byte before it was delivered. */
    PEER_CLOSED,

    /** The peer reset the connection (ECONNRESET). */
    RESET,

    /** Another socket error (EPIPE, ETIMEDOUT, ...); the closed event names the errno. */
    ERROR,

    /** The peer sent nothing for the listener's {@code idle-timeout}. */
    IDLE_TIMEOUT,

    /**
     * The listener was stopped (application shutdown or context stop), or the connection was
     * still open when a graceful shutdown's drain timeout ended.
     */
    SHUTDOWN,

    /** An operator closed it through the {@code kqlisten} actuator endpoint. */
    OPERATOR,

    /** The peer sent a frame longer than the listener's {@code max-frame-length}. */
    FRAME_TOO_LONG,

    /** The peer's bytes do not follow the listener's framing (a bad octet count or length header). */
    MALFORMED_FRAME,

    /** The application closed it, gracefully or at once ({@link ConnectionWriter}). */
    APPLICATION,

    /**
     * The peer did not read what the application wrote: a write would have taken the connection's
     * queue past the listener's {@code write-queue-limit}.
     */
    WRITE_QUEUE_FULL

}
