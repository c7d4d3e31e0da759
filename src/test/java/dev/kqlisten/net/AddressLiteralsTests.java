package dev.kqlisten.net;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The numeric address parser against the JDK's reading of the same text (for literals the JDK
 * never resolves), and the forms it must refuse although the JDK or inet_pton(3) might not.
 */
class AddressLiteralsTests {

    @ParameterizedTest
    @ValueSource(strings = { "0.0.0.0", "255.255.255.255", "192.0.2.1", "10.0.0.255", "1.22.3.44" })
    void ipv4LiteralsReadAsTheJdkReadsThem(String text) throws Exception {
        assertThat(ipv4(text)).containsExactly(InetAddress.getByName(text).getAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "1", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "256.0.0.0", "01.2.3.4",
            "1.2.3.00", "1.2.3.4 ", " 1.2.3.4", "1.2.3.+4", "1.2.3.a", "1000.2.3.4", "1.2.3.0x1" })
    void malformedIpv4IsRefused(String text) {
        assertThat(ipv4(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "::|0:0:0:0:0:0:0:0", "::1|0:0:0:0:0:0:0:1", "1::|1:0:0:0:0:0:0:0",
            "2001:db8::7|2001:db8:0:0:0:0:0:7", "2001:DB8:0:0:1::|2001:db8:0:0:1:0:0:0",
            "fe80::1:2:3:4:5:6|fe80:0:1:2:3:4:5:6", "1:2:3:4:5:6:7:8|1:2:3:4:5:6:7:8",
            "0001:0002:0003:0004:0005:0006:0007:0008|1:2:3:4:5:6:7:8", "::ffff:192.0.2.1|0:0:0:0:0:ffff:c000:201",
            "1:2:3:4:5:6:1.2.3.4|1:2:3:4:5:6:102:304", "::1.2.3.4|0:0:0:0:0:0:102:304",
            "1::2:3:4:5:6:7|1:0:2:3:4:5:6:7" })
    void ipv6LiteralsReadInEveryNotation(String text, String groups) throws Exception {
        byte[] expected = InetAddress.getByName(groups).getAddress();
        if (expected.length == 4) {
            // The JDK folds ::ffff:a.b.c.d into IPv4; the parser keeps the 16 bytes.
            expected = mapped(expected);
        }
        assertThat(ipv6(text)).containsExactly(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", ":", ":::", "1", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1:",
            ":1", "1:::2", "12345::", "g::", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "fe80::1%eth0", "[::1]",
            "::1.2.3", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "::01.2.3.4", " ::1", "::1 " })
    void malformedIpv6IsRefused(String text) {
        assertThat(ipv6(text)).isNull();
    }

    @Test
    void randomIpv6AddressesSurviveTheJdkAndCompressedText() throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 5_000; round++) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            for (int group = random.nextInt(8), n = random.nextInt(5); n > 0 && group < 8; n--, group++) {
                bytes[2 * group] = 0;
                bytes[2 * group + 1] = 0;
            }
            String text = java.net.Inet6Address.getByAddress(null, bytes, -1).getHostAddress();
            assertThat(ipv6(text)).as(text).containsExactly(bytes);
            String compressed = text.replaceFirst("(^|:)0(:0)*(:|$)", "::").toUpperCase(Locale.ROOT);
            assertThat(ipv6(compressed)).as(compressed).containsExactly(bytes);
        }
    }

    @Test
    void parsesInsideALargerBufferAtAnOffset() {
        byte[] text = "x 10.1.2.3 ::2 y".getBytes(StandardCharsets.US_ASCII);
        byte[] dst = new byte[24];
        assertThat(AddressLiterals.parseIpv4(text, 2, 10, dst, 1)).isTrue();
        assertThat(AddressLiterals.parseIpv6(text, 11, 14, dst, 5)).isTrue();
        assertThat(Arrays.copyOfRange(dst, 1, 5)).containsExactly(10, 1, 2, 3);
        assertThat(dst[20]).isEqualTo((byte) 2);
        assertThat(dst[0]).isZero();
    }

    private static byte[] mapped(byte[] ipv4) {
        byte[] bytes = new byte[16];
        bytes[10] = (byte) 0xFF;
        bytes[11] = (byte) 0xFF;
        System.arraycopy(ipv4, 0, bytes, 12, 4);
        return bytes;
    }

    private static byte[] ipv4(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        byte[] dst = new byte[4];
        return AddressLiterals.parseIpv4(bytes, 0, bytes.length, dst, 0) ? dst : null;
    }

    private static byte[] ipv6(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        byte[] dst = new byte[16];
        Arrays.fill(dst, (byte) 0x5A);
        return AddressLiterals.parseIpv6(bytes, 0, bytes.length, dst, 0) ? dst : null;
    }

}
