package dev.kqlisten.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Formats socket addresses for log lines and messages, without the host name lookup of toString(). */
public final class SocketAddresses {

    private SocketAddresses() {
    }

    /** {@code 127.0.0.1:1815} or {@code [::1]:1815}; an unresolved address keeps its host name. */
    public static String format(InetSocketAddress address) {
        InetAddress resolved = address.getAddress();
        return (resolved != null) ? format(resolved, address.getPort())
                : address.getHostString() + ":" + address.getPort();
    }

    /** {@code 127.0.0.1:1815} or {@code [::1]:1815}. */
    public static String format(InetAddress address, int port) {
        String host = address.getHostAddress();
        return ((address instanceof Inet6Address) ? "[" + host + "]" : host) + ":" + port;
    }

}
