package dev.kqlisten.connection;

/**
 * Why a connection was closed right after accept, before any event about it was published.
 */
public enum RejectReason {

    /** The listener already had {@code max-connections} open. */
    MAX_CONNECTIONS,

    /** The peer's address already had {@code max-connections-per-address} open. */
    MAX_CONNECTIONS_PER_ADDRESS,

    /**
     * The client's address is outside the listener's {@code allowed-sources} (with the PROXY
     * protocol: the address the proxy reported).
     */
    SOURCE_NOT_ALLOWED,

    /**
     * A PROXY protocol header came from, or was required of, a peer outside the listener's
     * {@code trusted-proxies}.
     */
    UNTRUSTED_PROXY,

    /**
     * The PROXY protocol header was malformed, or missing where {@code proxy-protocol} is
     * {@code required}, or the connection ended before it was complete.
     */
    PROXY_HEADER_INVALID,

    /** The PROXY protocol header was not complete within the listener's {@code proxy-header-timeout}. */
    PROXY_HEADER_TIMEOUT

}
