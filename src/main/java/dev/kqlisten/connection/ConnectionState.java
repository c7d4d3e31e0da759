package dev.kqlisten.connection;

/**
 * Where a connection is in its life, as the poller sees it.
 */
public enum ConnectionState {

    /** Accepted and registered; bytes may arrive. */
    OPEN,

    /** The peer sent EOF; every byte before it has been delivered. */
    PEER_CLOSED,

    /** The descriptor is closed and the connection removed from the registry. */
    CLOSED

}
