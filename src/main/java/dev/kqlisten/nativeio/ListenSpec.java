package dev.kqlisten.nativeio;

import java.net.InetAddress;
import java.util.Objects;

/**
 * What to bind a listening socket to, and how.
 *
 * @param address the local address; an {@link java.net.Inet6Address} gives an IPv6 socket
 * @param port the port, 0 to let the kernel choose one
 * @param backlog the listen(2) backlog; 0 or less asks for the OS maximum (every supported
 * kernel clamps a larger value to its {@code somaxconn} limit)
 * @param reuseAddress whether to set {@code SO_REUSEADDR} (lets a restart bind while old
 * connections sit in TIME_WAIT)
 * @param reusePort whether to set {@code SO_REUSEPORT}
 * @param ipv6Only the value set for {@code IPV6_V6ONLY} on IPv6 sockets; always set
 * explicitly because the default differs between the BSDs and Linux
 * @param balanced whether to set the option under which the kernel spreads new connections over
 * every socket bound to this address and port ({@link Sockets#balancesAccepts()}), so that
 * several pollers each accept a share
 */
public record ListenSpec(InetAddress address, int port, int backlog, boolean reuseAddress, boolean reusePort,
        boolean ipv6Only, boolean balanced) {

    /** A spec for a listening socket of its own, without {@link #balanced()}. */
    public ListenSpec(InetAddress address, int port, int backlog, boolean reuseAddress, boolean reusePort,
            boolean ipv6Only) {
        this(address, port, backlog, reuseAddress, reusePort, ipv6Only, false);
    }

    public ListenSpec {
        Objects.requireNonNull(address, "address");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
    }

    /**
     * This spec for one of several sockets sharing {@code port} with {@link #balanced()} set:
     * the first socket of a listener binds the configured port (0 included), the others the port
     * it got.
     */
    public ListenSpec balancedOn(int port) {
        return new ListenSpec(this.address, port, this.backlog, this.reuseAddress, this.reusePort, this.ipv6Only,
                true);
    }

    /** The backlog passed to listen(2): {@link Integer#MAX_VALUE} when the OS maximum is wanted. */
    public int effectiveBacklog() {
        return (this.backlog > 0) ? this.backlog : Integer.MAX_VALUE;
    }

}
