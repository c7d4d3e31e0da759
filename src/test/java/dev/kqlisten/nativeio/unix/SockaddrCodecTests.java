package dev.kqlisten.nativeio.unix;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Byte-exact sockaddr encoding for both layouts (docs/native-abi.md §4.1): the BSD form starts with a
 * length byte and a one-byte family; Linux has a two-byte family. Writing the wrong one binds
 * family 0 on a BSD.
 */
class SockaddrCodecTests {

    final SockaddrCodec bsd = new SockaddrCodec(true, 28);

    final SockaddrCodec linux = new SockaddrCodec(false, 10);

    @Test
    void bsdIpv4HasLengthFamilyAndBigEndianPort() throws Exception {
        try (Memory p = new Memory(SockaddrCodec.CAPACITY)) {
            int length = this.bsd.encode(p, InetAddress.getByName("10.1.2.3"), 0x1F90);
            assertThat(length).isEqualTo(16);
            assertThat(p.getByteArray(0, 8)).containsExactly(16, 2, 0x1F, (byte) 0x90, 10, 1, 2, 3);
            assertThat(decode(this.bsd, p)).isEqualTo(new InetSocketAddress("10.1.2.3", 8080));
        }
    }

    @Test
    void linuxIpv4HasATwoByteFamily() throws Exception {
        try (Memory p = new Memory(SockaddrCodec.CAPACITY)) {
            assertThat(this.linux.encode(p, InetAddress.getByName("127.0.0.1"), 80)).isEqualTo(16);
            assertThat(p.getShort(0)).isEqualTo((short) 2);
            assertThat(p.getByteArray(2, 2)).containsExactly(0, 80);
            assertThat(decode(this.linux, p)).isEqualTo(new InetSocketAddress("127.0.0.1", 80));
        }
    }

    @Test
    void ipv6KeepsAddressAndScopeId() throws Exception {
        Inet6Address linkLocal = Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3);
        for (SockaddrCodec codec : new SockaddrCodec[] { this.bsd, this.linux }) {
            try (Memory p = new Memory(SockaddrCodec.CAPACITY)) {
                assertThat(codec.encode(p, linkLocal, 443)).isEqualTo(28);
                assertThat(p.getInt(24)).isEqualTo(3);
                InetSocketAddress decoded = decode(codec, p);
                assertThat(decoded.getPort()).isEqualTo(443);
                assertThat(((Inet6Address) decoded.getAddress()).getScopeId()).isEqualTo(3);
                assertThat(decoded.getAddress().getAddress()).isEqualTo(linkLocal.getAddress());
            }
        }
        try (Memory p = new Memory(SockaddrCodec.CAPACITY)) {
            this.bsd.encode(p, InetAddress.getByName("::1"), 1);
            assertThat(p.getByte(0)).isEqualTo((byte) 28);
            assertThat(p.getByte(1)).isEqualTo((byte) 28);
        }
    }

    @Test
    void unknownFamilyDecodesToNull() {
        try (Memory p = new Memory(SockaddrCodec.CAPACITY)) {
            p.clear();
            p.setShort(0, (short) 1);
            assertThat(decode(this.linux, p)).isNull();
        }
    }

    /** Decodes the way a Sockets implementation does: from the bytes copied out of the native buffer. */
    private static InetSocketAddress decode(SockaddrCodec codec, Memory p) {
        return codec.decode(p.getByteArray(0, SockaddrCodec.CAPACITY), SockaddrCodec.CAPACITY);
    }

}
