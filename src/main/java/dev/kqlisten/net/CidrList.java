package dev.kqlisten.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A list of {@link CidrBlock}s an address is checked against, such as a listener's allowed
 * sources or trusted proxies; an empty list {@link #permitsAll() permits everyone}. Immutable and
 * thread-safe.
 * <p>
 * {@link #contains(InetAddress)} allocates nothing for an {@link Inet4Address} (the usual peer,
 * also on a dual-stack listener, where the JDK maps {@code ::ffff:a.b.c.d} to IPv4); for an
 * {@code Inet6Address} it reads the address through {@code getAddress()}, the JDK's only public
 * accessor, which copies 16 bytes. {@link #contains(byte[])} never allocates. The blocks are
 * kept in primitive arrays and scanned in order: lists are short, and a scan of a few masks costs
 * less than any tree would.
 */
public final class CidrList {

    private static final CidrList EVERYONE = new CidrList(List.of());

    private final List<CidrBlock> blocks;

    private final CidrBlock[] ipv4;

    private final CidrBlock[] ipv6;

    private CidrList(List<CidrBlock> blocks) {
        this.blocks = List.copyOf(blocks);
        this.ipv4 = blocks.stream().filter(CidrBlock::isIpv4).toArray(CidrBlock[]::new);
        this.ipv6 = blocks.stream().filter((block) -> !block.isIpv4()).toArray(CidrBlock[]::new);
    }

    /** The empty list: everyone. */
    public static CidrList everyone() {
        return EVERYONE;
    }

    /**
     * Parses each entry with {@link CidrBlock#parse(String)}, trimming surrounding whitespace.
     *
     * @throws IllegalArgumentException naming the first bad entry and its position
     */
    public static CidrList parse(Collection<String> entries) {
        List<CidrBlock> blocks = new ArrayList<>(entries.size());
        int index = 0;
        for (String entry : entries) {
            try {
                blocks.add(CidrBlock.parse((entry != null) ? entry.strip() : null));
            }
            catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException("Entry [" + index + "]: " + ex.getMessage(), ex);
            }
            index++;
        }
        return blocks.isEmpty() ? EVERYONE : new CidrList(blocks);
    }

    /** {@link #parse(Collection)} of the given entries. */
    public static CidrList of(String... entries) {
        return parse(List.of(entries));
    }

    /** Whether the list is empty, so that every address is permitted. */
    public boolean permitsAll() {
        return blocks.isEmpty();
    }

    /** The blocks, in the order given. */
    public List<CidrBlock> blocks() {
        return blocks;
    }

    /** Whether the list is empty or a block contains {@code address}. */
    public boolean contains(InetAddress address) {
        if (permitsAll()) {
            return true;
        }
        if (address instanceof Inet4Address) {
            return containsIpv4(Ipv4Bits.of((Inet4Address) address));
        }
        return contains(address.getAddress());
    }

    /**
     * Whether the list is empty or a block contains the raw address (4 or 16 bytes, network
     * order; an IPv4-mapped IPv6 address is matched as IPv4). Never allocates.
     *
     * @throws IllegalArgumentException if {@code address} is neither 4 nor 16 bytes long
     */
    public boolean contains(byte[] address) {
        if (permitsAll()) {
            return true;
        }
        if (address.length == 4) {
            return containsIpv4(CidrBlock.ipv4Bits(address, 0));
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("An IP address has 4 or 16 bytes, not " + address.length);
        }
        long high = CidrBlock.longAt(address, 0);
        long low = CidrBlock.longAt(address, 8);
        if (CidrBlock.isIpv4Mapped(high, low)) {
            return containsIpv4(low & 0xFFFF_FFFFL);
        }
        for (CidrBlock block : ipv6) {
            if (block.containsIpv6(high, low)) {
                return true;
            }
        }
        return false;
    }

    private boolean containsIpv4(long address) {
        for (CidrBlock block : ipv4) {
            if (block.containsIpv4(address)) {
                return true;
            }
        }
        return false;
    }

    /** The blocks as {@link CidrBlock#toString()} shows them, e.g. {@code [10.0.0.0/8, 192.0.2.7/32]}. */
    @Override
    public String toString() {
        return blocks.toString();
    }

}
