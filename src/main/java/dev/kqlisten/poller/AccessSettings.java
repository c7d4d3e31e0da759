package dev.kqlisten.poller;

import java.time.Duration;
import java.util.Objects;

import dev.kqlisten.net.CidrList;

/**
 * Who may connect to a listener, and whether its peers are proxies speaking the PROXY protocol.
 *
 * @param allowedSources client addresses admitted (empty: everyone); with the PROXY protocol,
 * the client address the proxy reports
 * @param proxyProtocol whether connections start with a PROXY protocol header
 * @param trustedProxies peers whose PROXY header is believed; must not be empty unless
 * {@code proxyProtocol} is {@link ProxyProtocol#OFF}
 * @param proxyHeaderTimeout how long a connection may take to send its header
 */
public record AccessSettings(CidrList allowedSources, ProxyProtocol proxyProtocol, CidrList trustedProxies,
        Duration proxyHeaderTimeout) {

    /** Everyone, directly: no PROXY protocol. */
    public static final AccessSettings OPEN = new AccessSettings(CidrList.everyone(), ProxyProtocol.OFF,
            CidrList.everyone(), Duration.ofSeconds(5));

    /** Whether connections start with a PROXY protocol header. */
    public enum ProxyProtocol {

        /** No header: the socket's peer is the client. */
        OFF,

        /**
         * A header from a trusted proxy names the client; a connection that starts otherwise is
         * a direct client. A header from an untrusted peer is refused.
         */
        OPTIONAL,

        /** Every connection must come from a trusted proxy and start with a header. */
        REQUIRED

    }

    public AccessSettings {
        Objects.requireNonNull(allowedSources, "allowedSources");
        Objects.requireNonNull(proxyProtocol, "proxyProtocol");
        Objects.requireNonNull(trustedProxies, "trustedProxies");
        Objects.requireNonNull(proxyHeaderTimeout, "proxyHeaderTimeout");
        if (proxyProtocol != ProxyProtocol.OFF && trustedProxies.permitsAll()) {
            throw new IllegalArgumentException("trusted proxies must be listed when the PROXY protocol is on");
        }
        if (proxyHeaderTimeout.isNegative() || proxyHeaderTimeout.isZero()) {
            throw new IllegalArgumentException("proxy header timeout must be positive, was " + proxyHeaderTimeout);
        }
    }

    /** Whether {@code peer} is a trusted proxy. */
    boolean trusts(java.net.InetSocketAddress peer) {
        return !this.trustedProxies.permitsAll() && this.trustedProxies.contains(peer.getAddress());
    }

    /** Whether the client at {@code client} may connect. */
    boolean allows(java.net.InetSocketAddress client) {
        return this.allowedSources.contains(client.getAddress());
    }

}
