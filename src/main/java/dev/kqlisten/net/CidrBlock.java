package dev.kqlisten.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * One IPv4 or IPv6 address block in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32});
 * a bare address is a block of one ({@code /32} or {@code /128}). Immutable; matched through
 * {@link CidrList}.
 * <ul>
 * <li><b>Host bits</b> set below the prefix are accepted and cleared: {@code 10.1.2.3/8} is
 * {@code 10.0.0.0/8}, as HAProxy's ACLs and Vector's {@code permit_origin} (the ipnet crate)
 * read it; {@link #toString()} shows the cleared form.
 * <li><b>IPv4-mapped IPv6</b> ({@code ::ffff:a.b.c.d}, what a dual-stack {@code ::} listener
 * reports for an IPv4 peer) is IPv4: such an address is matched against IPv4 blocks only, and a
 * block written inside {@code ::ffff:0:0/96} is the IPv4 block it maps
 * ({@code ::ffff:10.0.0.0/104} is {@code 10.0.0.0/8}). An IPv6 block therefore never matches an
 * IPv4 peer, even {@code ::/0}: list {@code 0.0.0.0/0} as well, or leave the list empty.
 * <li>Text is parsed by {@link AddressLiterals} (no name lookup, no zone ids).
 * </ul>
 */
public final class CidrBlock {

    private final boolean ipv4;

    private final int prefixLength;

    /** IPv4: the network in the low 32 bits of {@link #low}; IPv6: the high and low 64 bits. */
    private final long high;

    private final long low;

    private final long highMask;

    private final long lowMask;

    private CidrBlock(boolean ipv4, int prefixLength, long high, long low) {
        this.ipv4 = ipv4;
        this.prefixLength = prefixLength;
        if (ipv4) {
            this.highMask = 0;
            this.lowMask = (prefixLength == 0) ? 0 : (0xFFFF_FFFFL << (32 - prefixLength)) & 0xFFFF_FFFFL;
        }
        else {
            this.highMask = mask(prefixLength);
            this.lowMask = mask(prefixLength - 64);
        }
        this.high = high & this.highMask;
        this.low = low & this.lowMask;
    }

    /** The leading {@code bits} (clamped to [0, 64]) of a 64-bit word set. */
    private static long mask(int bits) {
        if (bits <= 0) {
            return 0;
        }
        return (bits >= 64) ? -1L : -1L << (64 - bits);
    }

    /**
     * Parses {@code address} or {@code address/prefix-length}.
     *
     * @throws IllegalArgumentException naming {@code text} when it is not an IPv4 or IPv6 literal
     * with an optional decimal prefix length in [0, 32] or [0, 128]
     */
    public static CidrBlock parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("CIDR block must not be null");
        }
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        int slash = text.indexOf('/');
        int addressEnd = (slash < 0) ? bytes.length : slash;
        byte[] address = new byte[16];
        boolean v4 = AddressLiterals.parseIpv4(bytes, 0, addressEnd, address, 0);
        if (!v4 && !AddressLiterals.parseIpv6(bytes, 0, addressEnd, address, 0)) {
            throw new IllegalArgumentException(
                    "'" + text + "' is not a CIDR block: '" + text.substring(0, addressEnd) + "' is not an IP address");
        }
        int maxPrefix = v4 ? 32 : 128;
        int prefix = maxPrefix;
        if (slash >= 0) {
            prefix = parsePrefix(bytes, slash + 1);
            if (prefix < 0 || prefix > maxPrefix) {
                throw new IllegalArgumentException("'" + text + "' is not a CIDR block: the prefix length must be"
                        + " a decimal number from 0 to " + maxPrefix);
            }
        }
        if (v4) {
            return new CidrBlock(true, prefix, 0, ipv4Bits(address, 0));
        }
        long high = longAt(address, 0);
        long low = longAt(address, 8);
        if (prefix >= 96 && isIpv4Mapped(high, low)) {
            return new CidrBlock(true, prefix - 96, 0, low & 0xFFFF_FFFFL);
        }
        return new CidrBlock(false, prefix, high, low);
    }

    /** A decimal number of one to three digits without leading zeroes, or -1. */
    private static int parsePrefix(byte[] text, int from) {
        int digits = text.length - from;
        if (digits < 1 || digits > 3 || (digits > 1 && text[from] == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < text.length; i++) {
            if (!AddressLiterals.isDigit(text[i])) {
                return -1;
            }
            value = value * 10 + (text[i] - '0');
        }
        return value;
    }

    public boolean isIpv4() {
        return ipv4;
    }

    public int prefixLength() {
        return prefixLength;
    }

    /** {@code address}: an IPv4 address in the low 32 bits. */
    boolean containsIpv4(long address) {
        return ipv4 && (address & lowMask) == low;
    }

    boolean containsIpv6(long addressHigh, long addressLow) {
        return !ipv4 && (addressHigh & highMask) == high && (addressLow & lowMask) == low;
    }

    /** Whether a 128-bit address is {@code ::ffff:a.b.c.d}. */
    static boolean isIpv4Mapped(long high, long low) {
        return high == 0 && (low >>> 32) == 0xFFFFL;
    }

    static long ipv4Bits(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFFL) << 24) | ((bytes[offset + 1] & 0xFFL) << 16)
                | ((bytes[offset + 2] & 0xFFL) << 8) | (bytes[offset + 3] & 0xFFL);
    }

    static long longAt(byte[] bytes, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (bytes[offset + i] & 0xFFL);
        }
        return value;
    }

    /** The network and prefix length, host bits cleared: {@code 10.0.0.0/8}, {@code 2001:db8:0:0:0:0:0:0/32}. */
    @Override
    public String toString() {
        try {
            byte[] bytes;
            if (ipv4) {
                bytes = new byte[] { (byte) (low >>> 24), (byte) (low >>> 16), (byte) (low >>> 8), (byte) low };
            }
            else {
                bytes = new byte[16];
                for (int i = 0; i < 8; i++) {
                    bytes[i] = (byte) (high >>> (56 - 8 * i));
                    bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
                }
            }
            InetAddress network = ipv4 ? Inet4Address.getByAddress(bytes) : Inet6Address.getByAddress(null, bytes, -1);
            return network.getHostAddress() + "/" + prefixLength;
        }
        catch (UnknownHostException ex) {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CidrBlock block && block.ipv4 == ipv4 && block.prefixLength == prefixLength
                && block.high == high && block.low == low;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(high * 31 + low) * 31 + prefixLength + (ipv4 ? 1 : 0);
    }

}
