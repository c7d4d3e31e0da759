package dev.kqlisten.net;

/**
 * Strict parsers of numeric IP address text in ASCII bytes, without name resolution and without
 * allocating: {@code InetAddress.getByName} would resolve anything that is not a literal, and
 * accepts forms (zone ids, brackets, octal-looking octets) that neither a CIDR list nor a PROXY
 * protocol v1 line should.
 * <ul>
 * <li>IPv4: exactly four decimal numbers in [0, 255] separated by single dots, without leading
 * zeroes (the PROXY protocol's rule, section 2.1, which also keeps {@code 010} from meaning 8
 * to one reader and 10 to another).
 * <li>IPv6: eight groups of one to four hex digits (either case) separated by colons, at most one
 * {@code ::} standing for one or more zero groups, and optionally a dotted IPv4 tail standing
 * for the last two groups ({@code ::ffff:192.0.2.1}), which is what inet_pton(3) accepts and
 * what senders print for IPv4-mapped addresses. No zone id.
 * </ul>
 */
public final class AddressLiterals {

    private AddressLiterals() {
    }

    /**
     * Parses {@code text[from, to)} as an IPv4 address into {@code dst[dstOffset, dstOffset + 4)},
     * network order. On {@code false} the destination bytes are unspecified.
     */
    public static boolean parseIpv4(byte[] text, int from, int to, byte[] dst, int dstOffset) {
        int i = from;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (i >= to || text[i] != '.') {
                    return false;
                }
                i++;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && isDigit(text[i])) {
                value = value * 10 + (text[i] - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0')) {
                return false;
            }
            dst[dstOffset + part] = (byte) value;
        }
        return i == to;
    }

    /**
     * Parses {@code text[from, to)} as an IPv6 address into {@code dst[dstOffset, dstOffset + 16)},
     * network order. On {@code false} the destination bytes are unspecified.
     */
    public static boolean parseIpv6(byte[] text, int from, int to, byte[] dst, int dstOffset) {
        if (to - from < 2) {
            return false;
        }
        int i = from;
        int groups = 0;
        // The group index where "::" stands, or -1.
        int gap = -1;
        if (text[i] == ':') {
            if (text[i + 1] != ':') {
                return false;
            }
            gap = 0;
            i += 2;
        }
        while (i < to) {
            if (groups == 8) {
                return false;
            }
            int start = i;
            int value = 0;
            int digit;
            while (i < to && (digit = hexValue(text[i])) >= 0) {
                if (i - start == 4) {
                    return false;
                }
                value = (value << 4) | digit;
                i++;
            }
            if (i < to && text[i] == '.') {
                if (groups > 6 || !parseIpv4(text, start, to, dst, dstOffset + 2 * groups)) {
                    return false;
                }
                groups += 2;
                break;
            }
            if (i == start) {
                return false;
            }
            dst[dstOffset + 2 * groups] = (byte) (value >>> 8);
            dst[dstOffset + 2 * groups + 1] = (byte) value;
            groups++;
            if (i == to) {
                break;
            }
            if (text[i] != ':') {
                return false;
            }
            i++;
            if (i < to && text[i] == ':') {
                if (gap >= 0) {
                    return false;
                }
                gap = groups;
                i++;
            }
            else if (i == to) {
                return false;
            }
        }
        if (gap < 0) {
            return groups == 8;
        }
        if (groups == 8) {
            return false;
        }
        // Move the groups after "::" to the end, then zero what "::" stands for.
        int tailBytes = 2 * (groups - gap);
        int tailStart = dstOffset + 16 - tailBytes;
        for (int k = tailBytes - 1; k >= 0; k--) {
            dst[tailStart + k] = dst[dstOffset + 2 * gap + k];
        }
        for (int k = dstOffset + 2 * gap; k < tailStart; k++) {
            dst[k] = 0;
        }
        return true;
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

}
