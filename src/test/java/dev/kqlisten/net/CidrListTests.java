package dev.kqlisten.net;

import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** CIDR blocks and lists: parsing, host bits, IPv4-mapped peers, bad entries, and the allocation-free match. */
class CidrListTests {

    private static InetAddress address(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    /** {@code ::ffff:a.b.c.d} as a dual-stack socket may report it: an Inet6Address the JDK did not fold. */
    private static InetAddress mapped(int a, int b, int c, int d) throws Exception {
        byte[] bytes = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) a, (byte) b, (byte) c, (byte) d };
        return Inet6Address.getByAddress(null, bytes, -1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "10.0.0.0/8|10.0.0.0/8", "10.1.2.3/8|10.0.0.0/8", "192.0.2.7|192.0.2.7/32",
            "0.0.0.0/0|0.0.0.0/0", "255.255.255.255/31|255.255.255.254/31", "2001:db8::/32|2001:db8:0:0:0:0:0:0/32",
            "2001:db8::1/32|2001:db8:0:0:0:0:0:0/32", "::1|0:0:0:0:0:0:0:1/128", "::/0|0:0:0:0:0:0:0:0/0",
            "2001:db8::ff/127|2001:db8:0:0:0:0:0:fe/127", "2001:db8:1:2:3:4:5:6/64|2001:db8:1:2:0:0:0:0/64",
            "::ffff:10.0.0.0/104|10.0.0.0/8", "::ffff:192.0.2.9|192.0.2.9/32", "::ffff:0:0/96|0.0.0.0/0" })
    void blocksAreReadWithHostBitsCleared(String text, String normalized) {
        assertThat(CidrBlock.parse(text)).hasToString(normalized);
    }

    @ParameterizedTest
    @ValueSource(strings = { "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08", "10.0.0.0/8/8",
            "10.0.0.0/a", "10.0.0/8", "localhost", "example.org/8", "", "/8", "10.0.0.0 /8", "fe80::1%eth0/64",
            "10.0.0.0/1000", "2001:db8::/0129", "1.2.3.4.5", "10.0.0.é/8" })
    void badBlocksAreRefusedNamingTheEntry(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> CidrBlock.parse(text))
            .withMessageStartingWith("'" + text + "' is not a CIDR block");
    }

    @Test
    void badEntryInAListIsNamedWithItsPosition() {
        assertThatIllegalArgumentException().isThrownBy(() -> CidrList.parse(List.of("10.0.0.0/8", "10.0.0.0/40")))
            .withMessage("Entry [1]: '10.0.0.0/40' is not a CIDR block: the prefix length must be a decimal number"
                    + " from 0 to 32");
        assertThatIllegalArgumentException().isThrownBy(() -> CidrList.of("::1", "my-proxy.internal"))
            .withMessage("Entry [1]: 'my-proxy.internal' is not a CIDR block: 'my-proxy.internal' is not an IP address");
    }

    @Test
    void emptyListPermitsEveryone() throws Exception {
        CidrList list = CidrList.parse(List.of());
        assertThat(list.permitsAll()).isTrue();
        assertThat(list).isSameAs(CidrList.everyone());
        assertThat(list.contains(address("203.0.113.5"))).isTrue();
        assertThat(list.contains(address("2001:db8::5"))).isTrue();
        assertThat(CidrList.of("10.0.0.0/8").permitsAll()).isFalse();
    }

    @Test
    void addressesMatchTheirOwnFamilyBlocks() throws Exception {
        CidrList list = CidrList.of("10.0.0.0/8", " 192.0.2.7 ", "2001:db8::/32", "fe80::1");
        assertThat(list.contains(address("10.255.255.255"))).isTrue();
        assertThat(list.contains(address("11.0.0.0"))).isFalse();
        assertThat(list.contains(address("9.255.255.255"))).isFalse();
        assertThat(list.contains(address("192.0.2.7"))).isTrue();
        assertThat(list.contains(address("192.0.2.8"))).isFalse();
        assertThat(list.contains(address("2001:db8:ffff::1"))).isTrue();
        assertThat(list.contains(address("2001:db9::1"))).isFalse();
        assertThat(list.contains(address("fe80::1"))).isTrue();
        assertThat(list.contains(address("fe80::2"))).isFalse();
        assertThat(list.blocks()).hasToString("[10.0.0.0/8, 192.0.2.7/32, 2001:db8:0:0:0:0:0:0/32, fe80:0:0:0:0:0:0:1/128]");
    }

    @Test
    void ipv4MappedPeersMatchIpv4BlocksOnly() throws Exception {
        CidrList ipv4 = CidrList.of("10.0.0.0/8");
        assertThat(mapped(10, 1, 2, 3)).isInstanceOf(Inet6Address.class);
        assertThat(ipv4.contains(mapped(10, 1, 2, 3))).isTrue();
        assertThat(ipv4.contains(mapped(11, 1, 2, 3))).isFalse();
        assertThat(ipv4.contains(mapped(10, 1, 2, 3).getAddress())).isTrue();
        CidrList ipv6 = CidrList.of("::/0");
        assertThat(ipv6.contains(mapped(10, 1, 2, 3))).isFalse();
        assertThat(ipv6.contains(address("10.1.2.3"))).isFalse();
        assertThat(CidrList.of("::ffff:10.0.0.0/104").contains(address("10.9.9.9"))).isTrue();
    }

    @Test
    void everyPrefixLengthSplitsWhereItShould() throws Exception {
        byte[] base = address("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff").getAddress();
        for (int prefix = 0; prefix <= 128; prefix++) {
            CidrList list = CidrList.of("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff/" + prefix);
            assertThat(list.contains(base)).as("/%d", prefix).isTrue();
            if (prefix > 0) {
                // Flip the last bit inside the prefix: outside; flip the first bit after it: inside.
                byte[] outside = base.clone();
                outside[(prefix - 1) / 8] ^= (byte) (0x80 >>> ((prefix - 1) % 8));
                assertThat(list.contains(outside)).as("/%d outside", prefix).isFalse();
            }
            if (prefix < 128) {
                byte[] inside = base.clone();
                inside[prefix / 8] ^= (byte) (0x80 >>> (prefix % 8));
                assertThat(list.contains(inside)).as("/%d inside", prefix).isTrue();
            }
        }
        for (int prefix = 0; prefix <= 32; prefix++) {
            CidrList list = CidrList.of("255.255.255.255/" + prefix);
            assertThat(list.contains(new byte[] { -1, -1, -1, -1 })).isTrue();
            if (prefix > 0) {
                long outside = 0xFFFF_FFFFL ^ (1L << (32 - prefix));
                assertThat(list.contains(address(ipv4Text(outside)))).as("/%d outside", prefix).isFalse();
            }
        }
    }

    @Test
    void rawAddressesOfAnotherLengthAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> CidrList.of("10.0.0.0/8").contains(new byte[5]))
            .withMessageContaining("5");
    }

    @Test
    void ipv4AddressBitsComeFromTheJdkWithoutACopy() throws Exception {
        assertThat(Ipv4Bits.HASH_CODE_IS_ADDRESS).as("Inet4Address.hashCode() is the address on this JDK").isTrue();
        for (String text : new String[] { "0.0.0.0", "128.0.0.1", "255.255.255.255", "10.20.30.40" }) {
            Inet4Address address = (Inet4Address) address(text);
            assertThat(Ipv4Bits.of(address)).isEqualTo(Ipv4Bits.copied(address));
        }
    }

    /**
     * The hot-path claim: matching an IPv4 peer allocates nothing. Measured with the JDK's
     * per-thread allocation counter over 100,000 matches; a 4-byte copy per match would be
     * at least 1.6 MB.
     */
    @Test
    void matchingAnIpv4PeerAllocatesNothing() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        CidrList list = CidrList.of("10.0.0.0/8", "192.0.2.0/24", "2001:db8::/32");
        InetAddress inside = address("192.0.2.77");
        InetAddress outside = address("203.0.113.1");
        int hits = 0;
        for (int i = 0; i < 20_000; i++) {
            hits += (list.contains(inside) ? 1 : 0) + (list.contains(outside) ? 1 : 0);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++) {
            hits += (list.contains(inside) ? 1 : 0) + (list.contains(outside) ? 1 : 0);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(hits).isEqualTo(120_000);
        assertThat(allocated).as("bytes allocated by 200,000 matches").isLessThan(10_000);
    }

    private static String ipv4Text(long bits) {
        return ((bits >>> 24) & 0xFF) + "." + ((bits >>> 16) & 0xFF) + "." + ((bits >>> 8) & 0xFF) + "." + (bits & 0xFF);
    }

}
