package dev.kqlisten.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.NativeIoException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one formatter of addresses in log lines and failure messages: IPv6 in brackets so the port
 * stays readable, no reverse lookup, and the bind failure's endpoint spelled the same way.
 */
class SocketAddressesTests {

    @Test
    void ipv4IsHostColonPort() throws Exception {
        assertThat(SocketAddresses.format(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1815)))
            .isEqualTo("127.0.0.1:1815");
    }

    @Test
    void ipv6IsBracketed() throws Exception {
        assertThat(SocketAddresses.format(new InetSocketAddress(InetAddress.getByName("::1"), 1815)))
            .isEqualTo("[0:0:0:0:0:0:0:1]:1815");
    }

    @Test
    void unresolvedAddressKeepsItsHostName() {
        assertThat(SocketAddresses.format(InetSocketAddress.createUnresolved("example.invalid", 7)))
            .isEqualTo("example.invalid:7");
    }

    @Test
    void bindFailureNamesItsEndpointTheSameWay() throws Exception {
        InetAddress address = InetAddress.getByName("::1");
        ListenerBindException ex = new ListenerBindException(0, "main", address, 1815,
                new NativeIoException("bind", 98, Errno.EADDRINUSE));
        assertThat(ex.getEndpoint()).isEqualTo(SocketAddresses.format(new InetSocketAddress(address, 1815)))
            .isEqualTo("[0:0:0:0:0:0:0:1]:1815");
        assertThat(ex.getMessage()).startsWith("TCP listener 'main' failed to bind [0:0:0:0:0:0:0:1]:1815: ");
    }

}
