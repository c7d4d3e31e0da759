package dev.kqlisten.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;

import dev.kqlisten.net.AddressLiterals;

/**
 * Reads the PROXY protocol header, version 1 or 2, from the first bytes of a connection, fed as
 * they arrive, in pieces of any size down to one byte. Follows HAProxy's
 * {@code doc/proxy-protocol.txt} (2020/03/05); sections below refer to it.
 * <p>
 * <b>Use.</b> One parser per connection while its header is pending (it may be {@link #reset()}
 * and reused). Call {@link #feed(ByteBuffer)} with each read; it advances the buffer's position
 * over header bytes only, so whatever remains after {@link ProxyHeaderStatus#DONE} is application
 * data, untouched. On {@code DONE}, {@link #isLocal()} says to keep the connection's own
 * addresses (v2 {@code LOCAL}, the proxy's health checks; v1 {@code UNKNOWN}); otherwise
 * {@link #source()} and {@link #destination()} are the relayed client's and the address it
 * connected to. On {@link ProxyHeaderStatus#FAILED}, {@link #failure()} says why; the spec asks
 * the receiver to close the connection (section 2.1).
 * <p>
 * <b>Detection</b> (section 2.2, end): a first byte {@code \r} starts the v2 signature, {@code P}
 * the v1 {@code "PROXY"}; anything else fails at once with {@code NOT_PROXY}. Every byte is
 * checked as soon as it arrives, so a peer that does not speak the protocol is rejected on its
 * first byte that differs, and bad v2 version, command, family and length on the byte carrying
 * them.
 * <p>
 * <b>Version 1</b> (section 2.1): {@code "PROXY" SP ("TCP4" | "TCP6") SP src SP dst SP sport SP
 * dport CRLF}, or {@code "PROXY UNKNOWN"} followed by anything up to CRLF. Addresses are
 * numeric, IPv4 without leading zeroes, IPv6 as inet_pton(3) reads it (so {@code ::ffff:a.b.c.d}
 * is accepted); ports are decimal in [0, 65535] without leading zeroes; fields are separated by
 * exactly one space. A lone CR or LF fails the line; a line without CRLF in its first 107 bytes
 * fails with {@code HEADER_TOO_LONG}.
 * <p>
 * <b>Version 2</b> (section 2.2): the 16-byte fixed part (signature, version 2, command, family
 * and transport, big-endian length) then {@code length} bytes. {@code LOCAL} skips them whatever
 * the family. {@code PROXY} needs TCP over IPv4 ({@code \x11}, 12 address bytes) or IPv6
 * ({@code \x21}, 36 bytes); the rest of the block is a sequence of TLVs (section 2.2, {@code
 * pp2_tlv}), whose framing is checked (type, 2-byte length, value inside the block) while their
 * values are skipped unread: no TLV is interpreted, including {@code PP2_TYPE_CRC32C}, which a
 * receiver that does not support it may ignore (section 2.2.3).
 * <p>
 * <b>Bounds.</b> At most 107 bytes are buffered (the v1 line; a v2 address block is at most 36).
 * The v2 length field is 16 bits, so a v2 header is at most 16 + 65535 bytes; its TLV bytes are
 * counted, never stored, so a large declared length costs time (bounded by the caller's header
 * timeout), not memory. Nothing is allocated per byte or per call; {@link #source()} and
 * {@link #destination()} allocate their result once the header is done.
 * <p>
 * Not thread-safe: one owner (the connection's loop thread) feeds it. It never throws on any
 * input.
 */
public final class ProxyHeaderParser {

    /** The longest v1 line including CRLF (section 2.1: {@code "PROXY UNKNOWN"} with two full IPv6 addresses). */
    public static final int V1_MAX_LENGTH = 107;

    /** The v2 fixed part: signature, version and command, family and transport, length (section 2.2). */
    public static final int V2_FIXED_LENGTH = 16;

    /** The longest v2 header: the fixed part and the largest 16-bit length. */
    public static final int V2_MAX_LENGTH = V2_FIXED_LENGTH + 0xFFFF;

    /** Section 2.2: {@code \x0D \x0A \x0D \x0A \x00 \x0D \x0A \x51 \x55 \x49 \x54 \x0A}. */
    private static final byte[] V2_SIGNATURE = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
            0x0A };

    private static final byte[] V1_PREFIX = { 'P', 'R', 'O', 'X', 'Y', ' ' };

    private static final byte[] TCP4 = { 'T', 'C', 'P', '4' };

    private static final byte[] TCP6 = { 'T', 'C', 'P', '6' };

    private static final byte[] UNKNOWN = { 'U', 'N', 'K', 'N', 'O', 'W', 'N' };

    /** Section 2.2, 14th byte: TCP over IPv4 and over IPv6. */
    private static final int TCP_OVER_IPV4 = 0x11;

    private static final int TCP_OVER_IPV6 = 0x21;

    /** Section 2.2: the address block of TCP over IPv4 (2 * 4 + 2 * 2) and over IPv6 (2 * 16 + 2 * 2). */
    private static final int IPV4_BLOCK = 12;

    private static final int IPV6_BLOCK = 36;

    /** Section 2.2, {@code pp2_tlv}: type, length high, length low. */
    private static final int TLV_HEADER = 3;

    private static final int START = 0;

    private static final int V1_LINE = 1;

    private static final int V2_FIXED = 2;

    private static final int V2_ADDRESSES = 3;

    /** Reading a TLV's 3-byte header; {@link #tlvHeaderRead} says how much of it. */
    private static final int V2_TLV_HEADER = 4;

    private static final int V2_TLV_VALUE = 5;

    /** LOCAL: the whole block is skipped. */
    private static final int V2_SKIP = 6;

    private static final int COMPLETE = 7;

    private static final int REJECTED = 8;

    /** The v1 line, the v2 fixed part, then the v2 address block (section 2.2 caps it at 36 here). */
    private final byte[] buffer = new byte[V1_MAX_LENGTH];

    /** Source address (bytes 0..15) and destination address (16..31); 4 or 16 bytes each. */
    private final byte[] addresses = new byte[32];

    private int phase;

    private int buffered;

    /** Header bytes consumed so far, over all calls. */
    private int consumed;

    /** v2: bytes of the block after the fixed part not consumed yet. */
    private int blockRemaining;

    /** v2 PROXY: the address block's length (12 or 36). */
    private int addressLength;

    private int tlvHeaderRead;

    private int tlvLength;

    private int tlvValueRemaining;

    private int version;

    private boolean local;

    /** 4 or 16 once addresses are known. */
    private int addressSize;

    private int sourcePort;

    private int destinationPort;

    private ProxyHeaderFailure failure;

    /**
     * Consumes header bytes from {@code input}'s position towards its limit, stopping right after
     * the header's last byte; the position shows how many it took. Once {@code DONE} or
     * {@code FAILED}, further calls consume nothing and return the same status.
     */
    public ProxyHeaderStatus feed(ByteBuffer input) {
        while (input.hasRemaining()) {
            switch (phase) {
                case START -> start(input.get());
                case V1_LINE -> v1Byte(input.get());
                case V2_FIXED -> v2FixedByte(input.get());
                case V2_ADDRESSES -> v2AddressByte(input.get());
                case V2_TLV_HEADER -> v2TlvHeaderByte(input.get());
                case V2_TLV_VALUE -> v2SkipValue(input);
                case V2_SKIP -> v2SkipLocal(input);
                default -> {
                    return status();
                }
            }
        }
        return status();
    }

    public ProxyHeaderStatus status() {
        return switch (phase) {
            case COMPLETE -> ProxyHeaderStatus.DONE;
            case REJECTED -> ProxyHeaderStatus.FAILED;
            default -> ProxyHeaderStatus.NEED_MORE;
        };
    }

    /** Why the header was rejected, or {@code null} unless {@link #status()} is {@code FAILED}. */
    public ProxyHeaderFailure failure() {
        return failure;
    }

    /** Header bytes consumed over all calls so far: the header's length once {@code DONE}. */
    public int consumed() {
        return consumed;
    }

    /** Bytes held between calls: never more than {@link #V1_MAX_LENGTH}. */
    public int bufferedBytes() {
        return (phase == COMPLETE || phase == REJECTED) ? 0 : buffered;
    }

    /** 1 or 2 once the first byte told; 0 before. */
    public int version() {
        return version;
    }

    /**
     * Once {@code DONE}: whether the header carries no client address (v2 {@code LOCAL}, v1
     * {@code UNKNOWN}), so the connection's own addresses stand.
     */
    public boolean isLocal() {
        return local;
    }

    /**
     * The relayed client's address and port. An IPv4-mapped IPv6 address comes back as the IPv4
     * address it maps, as {@link InetAddress#getByAddress(byte[])} does.
     *
     * @throws IllegalStateException unless {@code DONE} and not {@link #isLocal()}
     */
    public InetSocketAddress source() {
        return address(0, sourcePort);
    }

    /**
     * The address and port the client connected to, at the proxy.
     *
     * @throws IllegalStateException unless {@code DONE} and not {@link #isLocal()}
     */
    public InetSocketAddress destination() {
        return address(16, destinationPort);
    }

    /** Forgets everything, to read another connection's header. */
    public void reset() {
        phase = START;
        buffered = 0;
        consumed = 0;
        blockRemaining = 0;
        addressLength = 0;
        tlvHeaderRead = 0;
        tlvLength = 0;
        tlvValueRemaining = 0;
        version = 0;
        local = false;
        addressSize = 0;
        sourcePort = 0;
        destinationPort = 0;
        failure = null;
    }

    private InetSocketAddress address(int offset, int port) {
        if (phase != COMPLETE || local) {
            throw new IllegalStateException("No relayed address: the header is " + status()
                    + (local ? " and LOCAL/UNKNOWN" : ""));
        }
        try {
            return new InetSocketAddress(
                    InetAddress.getByAddress(Arrays.copyOfRange(addresses, offset, offset + addressSize)), port);
        }
        catch (UnknownHostException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private void start(byte b) {
        consumed++;
        if (b == V2_SIGNATURE[0]) {
            version = 2;
            phase = V2_FIXED;
        }
        else if (b == V1_PREFIX[0]) {
            version = 1;
            phase = V1_LINE;
        }
        else {
            fail(ProxyHeaderFailure.NOT_PROXY);
            return;
        }
        buffer[0] = b;
        buffered = 1;
    }

    private void fail(ProxyHeaderFailure reason) {
        failure = reason;
        phase = REJECTED;
    }

    private void complete() {
        phase = COMPLETE;
    }

    // -- Version 1 (section 2.1) --

    private void v1Byte(byte b) {
        consumed++;
        int index = buffered;
        if (index < V1_PREFIX.length) {
            if (b != V1_PREFIX[index]) {
                // "PROXY" itself is the signature; a wrong separator after it is a bad line.
                fail((index < V1_PREFIX.length - 1) ? ProxyHeaderFailure.NOT_PROXY : ProxyHeaderFailure.MALFORMED);
                return;
            }
        }
        else if (buffer[index - 1] == '\r') {
            if (b != '\n') {
                fail(ProxyHeaderFailure.MALFORMED);
                return;
            }
            parseV1Line(index - 1);
            return;
        }
        else if (b == '\n') {
            fail(ProxyHeaderFailure.MALFORMED);
            return;
        }
        if (index == V1_MAX_LENGTH - 1) {
            // The 107th byte is not the LF ending the line.
            fail(ProxyHeaderFailure.HEADER_TOO_LONG);
            return;
        }
        buffer[index] = b;
        buffered = index + 1;
    }

    /** {@code end}: the index of the CR. */
    private void parseV1Line(int end) {
        int protocolStart = V1_PREFIX.length;
        int protocolEnd = indexOfSpace(protocolStart, end);
        if (matches(protocolStart, protocolEnd, UNKNOWN)) {
            // Section 2.1: the receiver must ignore anything before the CRLF.
            local = true;
            complete();
            return;
        }
        int size;
        if (matches(protocolStart, protocolEnd, TCP4)) {
            size = 4;
        }
        else if (matches(protocolStart, protocolEnd, TCP6)) {
            size = 16;
        }
        else {
            fail(ProxyHeaderFailure.MALFORMED);
            return;
        }
        int sourceStart = protocolEnd + 1;
        int sourceEnd = indexOfSpace(sourceStart, end);
        int destinationEnd = indexOfSpace(sourceEnd + 1, end);
        int sourcePortEnd = indexOfSpace(destinationEnd + 1, end);
        if (sourcePortEnd >= end || indexOfSpace(sourcePortEnd + 1, end) != end
                || !parseV1Address(size, sourceStart, sourceEnd, 0)
                || !parseV1Address(size, sourceEnd + 1, destinationEnd, 16)) {
            fail(ProxyHeaderFailure.MALFORMED);
            return;
        }
        int source = parsePort(destinationEnd + 1, sourcePortEnd);
        int destination = parsePort(sourcePortEnd + 1, end);
        if (source < 0 || destination < 0) {
            fail(ProxyHeaderFailure.MALFORMED);
            return;
        }
        addressSize = size;
        sourcePort = source;
        destinationPort = destination;
        complete();
    }

    private boolean parseV1Address(int size, int from, int to, int offset) {
        return (size == 4) ? AddressLiterals.parseIpv4(buffer, from, to, addresses, offset)
                : AddressLiterals.parseIpv6(buffer, from, to, addresses, offset);
    }

    /** The first space in {@code [from, end)}, or {@code end}; {@code from > end} gives {@code end}. */
    private int indexOfSpace(int from, int end) {
        for (int i = from; i < end; i++) {
            if (buffer[i] == ' ') {
                return i;
            }
        }
        return end;
    }

    private boolean matches(int from, int to, byte[] word) {
        if (to - from != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (buffer[from + i] != word[i]) {
                return false;
            }
        }
        return true;
    }

    /** A port in [0, 65535], decimal, without leading zeroes; -1 otherwise. */
    private int parsePort(int from, int to) {
        int digits = to - from;
        if (digits < 1 || digits > 5 || (digits > 1 && buffer[from] == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            byte b = buffer[i];
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return (value <= 0xFFFF) ? value : -1;
    }

    // -- Version 2 (section 2.2) --

    private void v2FixedByte(byte b) {
        consumed++;
        int index = buffered;
        buffer[index] = b;
        buffered = index + 1;
        if (index < V2_SIGNATURE.length) {
            if (b != V2_SIGNATURE[index]) {
                fail(ProxyHeaderFailure.NOT_PROXY);
            }
        }
        else if (index == 12) {
            if ((b & 0xF0) != 0x20) {
                fail(ProxyHeaderFailure.BAD_VERSION);
            }
            else if ((b & 0x0F) > 1) {
                fail(ProxyHeaderFailure.BAD_COMMAND);
            }
        }
        else if (index == 13) {
            // Family 0..3 (UNSPEC, INET, INET6, UNIX), transport 0..2 (UNSPEC, STREAM, DGRAM);
            // other values "must be rejected as invalid by receivers".
            if ((b & 0xF0) > 0x30 || (b & 0x0F) > 2) {
                fail(ProxyHeaderFailure.MALFORMED);
            }
        }
        else if (index == V2_FIXED_LENGTH - 1) {
            v2FixedPartRead();
        }
    }

    private void v2FixedPartRead() {
        int length = ((buffer[14] & 0xFF) << 8) | (buffer[15] & 0xFF);
        blockRemaining = length;
        buffered = 0;
        if ((buffer[12] & 0x0F) == 0) {
            // LOCAL: "discard the protocol block including the family", of whatever length.
            local = true;
            phase = V2_SKIP;
            completeIfBlockDone();
            return;
        }
        int familyAndTransport = buffer[13] & 0xFF;
        if (familyAndTransport == TCP_OVER_IPV4) {
            addressLength = IPV4_BLOCK;
        }
        else if (familyAndTransport == TCP_OVER_IPV6) {
            addressLength = IPV6_BLOCK;
        }
        else {
            fail(ProxyHeaderFailure.UNSUPPORTED_FAMILY);
            return;
        }
        if (length < addressLength) {
            fail(ProxyHeaderFailure.MALFORMED);
            return;
        }
        phase = V2_ADDRESSES;
    }

    private void v2AddressByte(byte b) {
        consumed++;
        blockRemaining--;
        buffer[buffered++] = b;
        if (buffered < addressLength) {
            return;
        }
        int size = (addressLength == IPV4_BLOCK) ? 4 : 16;
        System.arraycopy(buffer, 0, addresses, 0, size);
        System.arraycopy(buffer, size, addresses, 16, size);
        addressSize = size;
        sourcePort = ((buffer[2 * size] & 0xFF) << 8) | (buffer[2 * size + 1] & 0xFF);
        destinationPort = ((buffer[2 * size + 2] & 0xFF) << 8) | (buffer[2 * size + 3] & 0xFF);
        buffered = 0;
        nextTlv();
    }

    /** Between TLVs: done if the block is, else a whole TLV header must still fit in it. */
    private void nextTlv() {
        if (blockRemaining == 0) {
            complete();
        }
        else if (blockRemaining < TLV_HEADER) {
            fail(ProxyHeaderFailure.MALFORMED);
        }
        else {
            tlvHeaderRead = 0;
            tlvLength = 0;
            phase = V2_TLV_HEADER;
        }
    }

    private void v2TlvHeaderByte(byte b) {
        consumed++;
        blockRemaining--;
        // Byte 0 is the type, which nothing here interprets; bytes 1 and 2 are the value's length.
        if (tlvHeaderRead > 0) {
            tlvLength = (tlvLength << 8) | (b & 0xFF);
        }
        if (++tlvHeaderRead < TLV_HEADER) {
            return;
        }
        if (tlvLength > blockRemaining) {
            fail(ProxyHeaderFailure.MALFORMED);
            return;
        }
        tlvValueRemaining = tlvLength;
        phase = V2_TLV_VALUE;
        if (tlvValueRemaining == 0) {
            nextTlv();
        }
    }

    private void v2SkipValue(ByteBuffer input) {
        int skip = Math.min(tlvValueRemaining, input.remaining());
        input.position(input.position() + skip);
        consumed += skip;
        blockRemaining -= skip;
        tlvValueRemaining -= skip;
        if (tlvValueRemaining == 0) {
            nextTlv();
        }
    }

    private void v2SkipLocal(ByteBuffer input) {
        int skip = Math.min(blockRemaining, input.remaining());
        input.position(input.position() + skip);
        consumed += skip;
        blockRemaining -= skip;
        completeIfBlockDone();
    }

    private void completeIfBlockDone() {
        if (blockRemaining == 0) {
            complete();
        }
    }

}
