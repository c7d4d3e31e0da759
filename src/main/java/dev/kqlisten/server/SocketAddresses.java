package dev.kqlisten.server;

import java.net.Inet6Address;
import java.net.InetSocketAddress;

/** Formats socket addresses for log lines. */
public final class SocketAddresses {

    private SocketAddresses() {
    }

    /** {@code 127.0.0.1:1815} or {@code [::1]:1815}, without the host name lookup of toString(). */
    public static String format(InetSocketAddress address) {
        if (address.getAddress() == null) {
            return address.getHostString() + ":" + address.getPort();
        }
        String host = address.getAddress().getHostAddress();
        return ((address.getAddress() instanceof Inet6Address) ? "[" + host + "]" : host) + ":" + address.getPort();
    }

}
