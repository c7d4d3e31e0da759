package dev.kqlisten.proxy;

/**
 * Why a {@link ProxyHeaderParser} rejected a header; each is a reason to close the connection.
 * Section numbers refer to HAProxy's {@code doc/proxy-protocol.txt} (2020/03/05).
 */
public enum ProxyHeaderFailure {

    /** Neither the v1 {@code "PROXY"} prefix nor the v2 12-byte signature (section 2.2, version detection). */
    NOT_PROXY("the connection did not start with a PROXY protocol v1 or v2 signature"),

    /** A v2 signature followed by a version other than 2 (section 2.2, 13th byte, high nibble). */
    BAD_VERSION("the PROXY protocol v2 header announced a version other than 2"),

    /** A v2 command other than LOCAL (0) or PROXY (1) (section 2.2, 13th byte, low nibble). */
    BAD_COMMAND("the PROXY protocol v2 header carried a command other than LOCAL or PROXY"),

    /**
     * A relayed connection whose addresses are not TCP over IPv4 or IPv6: v2 PROXY with
     * AF_UNSPEC, AF_UNIX or a datagram transport. The spec lets the receiver accept or reject
     * (section 2.2, "UNSPEC"); rejected here, because accepting would attribute the client to the
     * proxy's own address in limits, allow-lists and logs.
     */
    UNSUPPORTED_FAMILY("the PROXY protocol header relayed a connection that is not TCP over IPv4 or IPv6"),

    /** No CRLF within the 107 bytes a v1 line may have (section 2.1). */
    HEADER_TOO_LONG("the PROXY protocol v1 line had no CRLF within 107 bytes"),

    /**
     * Anything else that does not match the spec exactly: a v1 line with a bad field, address,
     * port or line end, an unknown v1 protocol name, an invalid v2 family or transport nibble, a
     * v2 length shorter than its address block, or a v2 TLV running past the header.
     */
    MALFORMED("the PROXY protocol header was malformed");

    private final String description;

    ProxyHeaderFailure(String description) {
        this.description = description;
    }

    /** A sentence for a close reason or a log line. */
    public String description() {
        return description;
    }

}
