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

    /** The listener was stopped (application shutdown or context stop). */
    SHUTDOWN,

    /** An operator closed it through the {@code kqlisten} actuator endpoint. */
    OPERATOR

}
