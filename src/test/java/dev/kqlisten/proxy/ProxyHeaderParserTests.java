package dev.kqlisten.proxy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.kqlisten.proxy.ProxyHeaders.ascii;
import static dev.kqlisten.proxy.ProxyHeaders.block;
import static dev.kqlisten.proxy.ProxyHeaders.concat;
import static dev.kqlisten.proxy.ProxyHeaders.feed;
import static dev.kqlisten.proxy.ProxyHeaders.tlv;
import static dev.kqlisten.proxy.ProxyHeaders.v2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Every branch of the PROXY protocol parser, each valid header also split at every byte: the
 * outcome, the bytes consumed and the application bytes after the header must not depend on how
 * the header arrived.
 */
class ProxyHeaderParserTests {

    private static final byte[] DATA = ascii("GET / HTTP/1.0\r\n\r\n");

    private static InetSocketAddress at(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        }
        catch (java.net.UnknownHostException ex) {
            throw new IllegalArgumentException(ex);
        }
    }

    static Stream<Arguments> validHeaders() {
        InetSocketAddress client4 = at("192.0.2.10", 56324);
        InetSocketAddress server4 = at("198.51.100.1", 443);
        InetSocketAddress client6 = at("2001:db8::7", 65535);
        InetSocketAddress server6 = at("2001:db8:ffff::1", 0);
        return Stream.of(
                Arguments.of("v1 TCP4", ascii("PROXY TCP4 192.0.2.10 198.51.100.1 56324 443\r\n"),
                        "DONE v1 /192.0.2.10:56324 -> /198.51.100.1:443 consumed=46"),
                Arguments.of("v1 TCP4 extremes", ascii("PROXY TCP4 255.255.255.255 0.0.0.0 65535 0\r\n"),
                        "DONE v1 /255.255.255.255:65535 -> /0.0.0.0:0 consumed=44"),
                Arguments.of("v1 TCP6 compressed", ascii("PROXY TCP6 2001:db8::7 2001:DB8:FFFF::1 65535 0\r\n"),
                        "DONE v1 /[2001:db8:0:0:0:0:0:7]:65535 -> /[2001:db8:ffff:0:0:0:0:1]:0 consumed=49"),
                Arguments.of("v1 TCP6 full",
                        ascii("PROXY TCP6 2001:0db8:0000:0000:0000:0000:0000:0007 ::1 1 2\r\n"),
                        "DONE v1 /[2001:db8:0:0:0:0:0:7]:1 -> /[0:0:0:0:0:0:0:1]:2 consumed=60"),
                Arguments.of("v1 TCP6 IPv4-mapped", ascii("PROXY TCP6 ::ffff:192.0.2.10 ::ffff:198.51.100.1 5 6\r\n"),
                        "DONE v1 /192.0.2.10:5 -> /198.51.100.1:6 consumed=54"),
                Arguments.of("v1 UNKNOWN", ascii("PROXY UNKNOWN\r\n"), "DONE v1 LOCAL consumed=15"),
                Arguments.of("v1 UNKNOWN with addresses", ascii("PROXY UNKNOWN whatever the sender put here\r\n"),
                        "DONE v1 LOCAL consumed=44"),
                Arguments.of("v1 longest line",
                        ascii("PROXY UNKNOWN ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
                                + "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n"),
                        "DONE v1 LOCAL consumed=107"),
                Arguments.of("v2 PROXY IPv4", v2(0x21, 0x11, block(client4, server4)),
                        "DONE v2 /192.0.2.10:56324 -> /198.51.100.1:443 consumed=28"),
                Arguments.of("v2 PROXY IPv6", v2(0x21, 0x21, block(client6, server6)),
                        "DONE v2 /[2001:db8:0:0:0:0:0:7]:65535 -> /[2001:db8:ffff:0:0:0:0:1]:0 consumed=52"),
                Arguments.of("v2 PROXY IPv4 with TLVs",
                        v2(0x21, 0x11, block(client4, server4, tlv(0x01, 2), tlv(0x04, 0), tlv(0x20, 40))),
                        "DONE v2 /192.0.2.10:56324 -> /198.51.100.1:443 consumed=79"),
                Arguments.of("v2 PROXY IPv6 with TLVs", v2(0x21, 0x21, block(client6, server6, tlv(0xE0, 300))),
                        "DONE v2 /[2001:db8:0:0:0:0:0:7]:65535 -> /[2001:db8:ffff:0:0:0:0:1]:0 consumed=355"),
                Arguments.of("v2 LOCAL", v2(0x20, 0x00, new byte[0]), "DONE v2 LOCAL consumed=16"),
                Arguments.of("v2 LOCAL with an address block, ignored", v2(0x20, 0x11, block(client4, server4)),
                        "DONE v2 LOCAL consumed=28"),
                Arguments.of("v2 LOCAL of an unknown family with junk", v2(0x20, 0x31, new byte[216]),
                        "DONE v2 LOCAL consumed=232"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validHeaders")
    void validHeaderIsReadAndTheBytesAfterItAreLeftAlone(String name, byte[] header, String expected) {
        byte[] stream = concat(header, DATA);
        assertThat(feed(new ProxyHeaderParser(), stream)).isEqualTo(expected + " rest=" + new String(DATA));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validHeaders")
    void validHeaderGivesTheSameResultSplitAtEveryByte(String name, byte[] header, String expected) {
        byte[] stream = concat(header, DATA);
        String whole = expected + " rest=" + new String(DATA);
        for (int cut = 0; cut <= stream.length; cut++) {
            assertThat(feed(new ProxyHeaderParser(), stream, cut)).as("cut at %d", cut).isEqualTo(whole);
        }
        int[] everyByte = new int[stream.length];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i;
        }
        assertThat(feed(new ProxyHeaderParser(), stream, everyByte)).as("one byte at a time").isEqualTo(whole);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validHeaders")
    void everyStrictPrefixOfAValidHeaderNeedsMore(String name, byte[] header, String expected) {
        for (int length = 0; length < header.length; length++) {
            ProxyHeaderParser parser = new ProxyHeaderParser();
            ByteBuffer input = ByteBuffer.wrap(header, 0, length);
            assertThat(parser.feed(input)).as("prefix of %d", length).isEqualTo(ProxyHeaderStatus.NEED_MORE);
            assertThat(parser.consumed()).isEqualTo(length);
            assertThat(parser.failure()).isNull();
        }
    }

    @Test
    void doneParserConsumesNothingMore() {
        ProxyHeaderParser parser = new ProxyHeaderParser();
        parser.feed(ByteBuffer.wrap(ascii("PROXY UNKNOWN\r\n")));
        ByteBuffer next = ByteBuffer.wrap(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n"));
        assertThat(parser.feed(next)).isEqualTo(ProxyHeaderStatus.DONE);
        assertThat(next.position()).isZero();
        assertThat(parser.isLocal()).isTrue();
    }

    @Test
    void headerEndingExactlyAtTheEndOfAReadIsDone() {
        ProxyHeaderParser parser = new ProxyHeaderParser();
        ByteBuffer input = ByteBuffer.wrap(ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n"));
        assertThat(parser.feed(input)).isEqualTo(ProxyHeaderStatus.DONE);
        assertThat(input.hasRemaining()).isFalse();
        assertThat(parser.bufferedBytes()).isZero();
    }

    @Test
    void ipv4MappedClientComesBackAsIpv4() throws Exception {
        ProxyHeaderParser parser = new ProxyHeaderParser();
        // InetAddress.getByName would already turn ::ffff:10.1.2.3 into IPv4; the header carries 16 bytes.
        byte[] mapped = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 10, 1, 2, 3 };
        InetSocketAddress client = new InetSocketAddress(Inet6Address.getByAddress(null, mapped, -1), 9);
        parser.feed(ByteBuffer.wrap(v2(0x21, 0x21, block(client, at("::1", 10)))));
        assertThat(parser.status()).isEqualTo(ProxyHeaderStatus.DONE);
        assertThat(parser.source().getAddress()).isInstanceOf(Inet4Address.class)
            .hasToString("/10.1.2.3");
        assertThat(parser.destination().getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
    }

    @Test
    void addressesAreUnavailableBeforeTheHeaderIsDoneAndForLocal() {
        ProxyHeaderParser parser = new ProxyHeaderParser();
        assertThatIllegalStateException().isThrownBy(parser::source).withMessageContaining("NEED_MORE");
        parser.feed(ByteBuffer.wrap(v2(0x20, 0x00, new byte[0])));
        assertThatIllegalStateException().isThrownBy(parser::destination).withMessageContaining("LOCAL");
    }

    @Test
    void resetParserReadsAnotherHeader() {
        ProxyHeaderParser parser = new ProxyHeaderParser();
        parser.feed(ByteBuffer.wrap(ascii("GET /")));
        assertThat(parser.failure()).isEqualTo(ProxyHeaderFailure.NOT_PROXY);
        parser.reset();
        assertThat(feed(parser, ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\nx")))
            .isEqualTo("DONE v1 /1.2.3.4:1 -> /5.6.7.8:2 consumed=32 rest=x");
        parser.reset();
        assertThat(feed(parser, v2(0x20, 0x00, new byte[0]))).isEqualTo("DONE v2 LOCAL consumed=16 rest=");
    }

    static Stream<Arguments> invalidHeaders() {
        InetSocketAddress a = at("192.0.2.10", 1);
        InetSocketAddress b = at("192.0.2.11", 2);
        byte[] ipv4Block = block(a, b);
        byte[] badSignature = v2(0x21, 0x11, ipv4Block);
        badSignature[7] = 0x52;
        return Stream.of(
                // Not the protocol at all: rejected on the first byte that differs.
                Arguments.of("HTTP request", ascii("GET / HTTP/1.1\r\n"), "FAILED NOT_PROXY consumed=1"),
                Arguments.of("TLS record", new byte[] { 0x16, 0x03, 0x01 }, "FAILED NOT_PROXY consumed=1"),
                Arguments.of("lower-case proxy", ascii("proxy TCP4"), "FAILED NOT_PROXY consumed=1"),
                Arguments.of("PROXZ", ascii("PROXZ TCP4"), "FAILED NOT_PROXY consumed=5"),
                Arguments.of("v2 signature broken", badSignature, "FAILED NOT_PROXY consumed=8"),
                Arguments.of("CR then HTTP", ascii("\r\nGET"), "FAILED NOT_PROXY consumed=3"),
                // v1 lines.
                Arguments.of("no space after PROXY", ascii("PROXY\tTCP4"), "FAILED MALFORMED consumed=6"),
                Arguments.of("unknown protocol", ascii("PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n"), "FAILED MALFORMED consumed=32"),
                Arguments.of("UNKNOWN run on", ascii("PROXY UNKNOWNX\r\n"), "FAILED MALFORMED consumed=16"),
                Arguments.of("empty protocol", ascii("PROXY \r\n"), "FAILED MALFORMED consumed=8"),
                Arguments.of("TCP4 without addresses", ascii("PROXY TCP4\r\n"), "FAILED MALFORMED consumed=12"),
                Arguments.of("TCP4 missing a port", ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1\r\n"), "FAILED MALFORMED consumed=30"),
                Arguments.of("TCP4 extra field", ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 3\r\n"), "FAILED MALFORMED consumed=34"),
                Arguments.of("TCP4 trailing space", ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2 \r\n"), "FAILED MALFORMED consumed=33"),
                Arguments.of("TCP4 double space", ascii("PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n"), "FAILED MALFORMED consumed=33"),
                Arguments.of("TCP4 leading zero in address", ascii("PROXY TCP4 1.2.3.04 5.6.7.8 1 2\r\n"), "FAILED MALFORMED consumed=33"),
                Arguments.of("TCP4 octet over 255", ascii("PROXY TCP4 1.2.3.256 5.6.7.8 1 2\r\n"), "FAILED MALFORMED consumed=34"),
                Arguments.of("TCP4 three octets", ascii("PROXY TCP4 1.2.3 5.6.7.8 1 2\r\n"), "FAILED MALFORMED consumed=30"),
                Arguments.of("TCP4 with IPv6 address", ascii("PROXY TCP4 ::1 5.6.7.8 1 2\r\n"), "FAILED MALFORMED consumed=28"),
                Arguments.of("TCP6 with IPv4 address", ascii("PROXY TCP6 1.2.3.4 ::1 1 2\r\n"), "FAILED MALFORMED consumed=28"),
                Arguments.of("TCP6 with two ::", ascii("PROXY TCP6 1::2::3 ::1 1 2\r\n"), "FAILED MALFORMED consumed=28"),
                Arguments.of("TCP6 with a zone", ascii("PROXY TCP6 fe80::1%eth0 ::1 1 2\r\n"), "FAILED MALFORMED consumed=33"),
                Arguments.of("port over 65535", ascii("PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n"), "FAILED MALFORMED consumed=36"),
                Arguments.of("port with leading zero", ascii("PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n"), "FAILED MALFORMED consumed=33"),
                Arguments.of("port with sign", ascii("PROXY TCP4 1.2.3.4 5.6.7.8 +1 2\r\n"), "FAILED MALFORMED consumed=33"),
                Arguments.of("bare LF", ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n"), "FAILED MALFORMED consumed=31"),
                Arguments.of("bare CR", ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rX"), "FAILED MALFORMED consumed=32"),
                Arguments.of("no CRLF in 107 bytes", ascii("PROXY UNKNOWN " + "x".repeat(200)),
                        "FAILED HEADER_TOO_LONG consumed=107"),
                Arguments.of("CR as the 107th byte", ascii("PROXY UNKNOWN " + "x".repeat(92) + "\r\n"),
                        "FAILED HEADER_TOO_LONG consumed=107"),
                // v2 headers.
                Arguments.of("v2 version 1", v2(0x11, 0x11, ipv4Block), "FAILED BAD_VERSION consumed=13"),
                Arguments.of("v2 version 3", v2(0x31, 0x11, ipv4Block), "FAILED BAD_VERSION consumed=13"),
                Arguments.of("v2 command 2", v2(0x22, 0x11, ipv4Block), "FAILED BAD_COMMAND consumed=13"),
                Arguments.of("v2 command 15", v2(0x2F, 0x11, ipv4Block), "FAILED BAD_COMMAND consumed=13"),
                Arguments.of("v2 family 4", v2(0x21, 0x41, ipv4Block), "FAILED MALFORMED consumed=14"),
                Arguments.of("v2 transport 3", v2(0x21, 0x13, ipv4Block), "FAILED MALFORMED consumed=14"),
                Arguments.of("v2 invalid family even for LOCAL", v2(0x20, 0xF0, new byte[0]), "FAILED MALFORMED consumed=14"),
                Arguments.of("v2 PROXY UNSPEC", v2(0x21, 0x00, new byte[0]), "FAILED UNSUPPORTED_FAMILY consumed=16"),
                Arguments.of("v2 PROXY UDP over IPv4", v2(0x21, 0x12, ipv4Block), "FAILED UNSUPPORTED_FAMILY consumed=16"),
                Arguments.of("v2 PROXY UDP over IPv6", v2(0x21, 0x22, new byte[36]), "FAILED UNSUPPORTED_FAMILY consumed=16"),
                Arguments.of("v2 PROXY UNIX stream", v2(0x21, 0x31, new byte[216]), "FAILED UNSUPPORTED_FAMILY consumed=16"),
                Arguments.of("v2 length shorter than IPv4 block", v2(0x21, 0x11, 11, ipv4Block), "FAILED MALFORMED consumed=16"),
                Arguments.of("v2 length shorter than IPv6 block", v2(0x21, 0x21, 35, new byte[36]), "FAILED MALFORMED consumed=16"),
                Arguments.of("v2 two bytes after the addresses", v2(0x21, 0x11, concat(ipv4Block, new byte[2])),
                        "FAILED MALFORMED consumed=28"),
                Arguments.of("v2 TLV running past the block",
                        v2(0x21, 0x11, 12 + 3 + 4, concat(ipv4Block, tlv(0x01, 5))), "FAILED MALFORMED consumed=31"),
                Arguments.of("v2 second TLV running past the block",
                        v2(0x21, 0x11, 12 + 5 + 3 + 1, concat(ipv4Block, tlv(0x01, 2), tlv(0x02, 2))),
                        "FAILED MALFORMED consumed=36"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidHeaders")
    void invalidHeaderFailsAsSoonAsItsBadByteArrives(String name, byte[] header, String expected) {
        byte[] stream = concat(header, DATA);
        for (int cut = 0; cut <= stream.length; cut++) {
            ProxyHeaderParser parser = new ProxyHeaderParser();
            assertThat(feed(parser, stream, cut)).as("cut at %d", cut).isEqualTo(expected + " rest=");
            assertThat(parser.failure().description()).isNotBlank();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 0, 1, 2, 3, 0x20, 0xE0, 0xFF })
    void anyTlvTypeIsSkippedUnread(int type) {
        byte[] header = v2(0x21, 0x11, block(at("192.0.2.1", 1), at("192.0.2.2", 2), tlv(type, 9)));
        assertThat(feed(new ProxyHeaderParser(), concat(header, DATA)))
            .isEqualTo("DONE v2 /192.0.2.1:1 -> /192.0.2.2:2 consumed=40 rest=" + new String(DATA));
    }

    @Test
    void largestDeclaredLengthIsSkippedWithoutBuffering() {
        // 12 address bytes and one TLV filling the rest of a 65535-byte block.
        byte[] header = v2(0x21, 0x11, block(at("192.0.2.1", 1), at("192.0.2.2", 2), tlv(0xEE, 0xFFFF - 12 - 3)));
        assertThat(header).hasSize(ProxyHeaderParser.V2_MAX_LENGTH);
        ProxyHeaderParser parser = new ProxyHeaderParser();
        ByteBuffer input = ByteBuffer.wrap(concat(header, DATA));
        int maxBuffered = 0;
        while (parser.feed(input.limit(Math.min(input.position() + 1000, input.capacity()))) == ProxyHeaderStatus.NEED_MORE) {
            maxBuffered = Math.max(maxBuffered, parser.bufferedBytes());
        }
        assertThat(parser.status()).isEqualTo(ProxyHeaderStatus.DONE);
        assertThat(parser.consumed()).isEqualTo(ProxyHeaderParser.V2_MAX_LENGTH);
        assertThat(input.position()).isEqualTo(ProxyHeaderParser.V2_MAX_LENGTH);
        assertThat(maxBuffered).isLessThanOrEqualTo(ProxyHeaderParser.V1_MAX_LENGTH);
    }

    @Test
    void localHeaderWithTheLargestLengthIsSkippedWhole() {
        byte[] header = v2(0x20, 0x00, new byte[0xFFFF]);
        assertThat(feed(new ProxyHeaderParser(), concat(header, DATA), 100, 40_000))
            .isEqualTo("DONE v2 LOCAL consumed=65551 rest=" + new String(DATA));
    }

}
