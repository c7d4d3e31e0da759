package dev.kqlisten.connection;

/**
 * Why a connection was closed right after accept, before any event about it was published.
 */
public enum RejectReason {

    /** The listener already had {@code max-connections} open. */
    MAX_CONNECTIONS,

    /** The peer's address already had {@code max-connections-per-address} open. */
    MAX_CONNECTIONS_PER_ADDRESS

}
