package dev.kqlisten.proxy;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Builds PROXY protocol headers for tests from the spec's layout (section 2.2), and feeds
 * parsers in pieces, summarising the outcome in one comparable line.
 */
public final class ProxyHeaders {

    static final byte[] SIGNATURE = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A };

    private ProxyHeaders() {
    }

    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A v2 header: fixed part with {@code verCmd}, {@code fam} and the block's length, then the block. */
    public static byte[] v2(int verCmd, int fam, byte[] block) {
        return v2(verCmd, fam, block.length, block);
    }

    /** A v2 header whose length field says {@code length}, whatever the block holds. */
    static byte[] v2(int verCmd, int fam, int length, byte[] block) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGNATURE);
        out.write(verCmd);
        out.write(fam);
        out.write(length >>> 8);
        out.write(length);
        out.writeBytes(block);
        return out.toByteArray();
    }

    /** A v2 PROXY address block (TCP over IPv4 or IPv6 by the address sizes) followed by {@code tlvs}. */
    public static byte[] block(InetSocketAddress source, InetSocketAddress destination, byte[]... tlvs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(source.getAddress().getAddress());
        out.writeBytes(destination.getAddress().getAddress());
        out.write(source.getPort() >>> 8);
        out.write(source.getPort());
        out.write(destination.getPort() >>> 8);
        out.write(destination.getPort());
        for (byte[] tlv : tlvs) {
            out.writeBytes(tlv);
        }
        return out.toByteArray();
    }

    public static byte[] tlv(int type, int valueLength) {
        byte[] tlv = new byte[3 + valueLength];
        tlv[0] = (byte) type;
        tlv[1] = (byte) (valueLength >>> 8);
        tlv[2] = (byte) valueLength;
        for (int i = 0; i < valueLength; i++) {
            tlv[3 + i] = (byte) (i * 7 + 1);
        }
        return tlv;
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /**
     * Feeds {@code bytes} in the pieces {@code cuts} (ascending offsets) marks, checking after
     * each call that the parser stopped right after the header and buffered within its bound;
     * returns {@link #summary} followed by the bytes left after the header.
     */
    static String feed(ProxyHeaderParser parser, byte[] bytes, int... cuts) {
        int from = 0;
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        for (int i = 0; i <= cuts.length; i++) {
            int to = (i < cuts.length) ? cuts[i] : bytes.length;
            ByteBuffer piece = ByteBuffer.wrap(bytes, from, to - from);
            ProxyHeaderStatus status = parser.feed(piece);
            if (parser.bufferedBytes() > ProxyHeaderParser.V1_MAX_LENGTH) {
                throw new AssertionError("buffered " + parser.bufferedBytes());
            }
            if (status == ProxyHeaderStatus.NEED_MORE && piece.hasRemaining()) {
                throw new AssertionError("NEED_MORE with " + piece.remaining() + " bytes left unread");
            }
            if (status != parser.status()) {
                throw new AssertionError(status + " returned, " + parser.status() + " reported");
            }
            if (status == ProxyHeaderStatus.DONE) {
                rest.write(piece.array(), piece.position(), piece.remaining());
            }
            from = to;
        }
        return summary(parser) + " rest=" + new String(rest.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    /** Status, failure or addresses, version and bytes consumed. */
    static String summary(ProxyHeaderParser parser) {
        StringBuilder out = new StringBuilder(parser.status().name());
        switch (parser.status()) {
            case FAILED -> out.append(' ').append(parser.failure());
            case DONE -> {
                out.append(" v").append(parser.version());
                if (parser.isLocal()) {
                    out.append(" LOCAL");
                }
                else {
                    out.append(' ').append(parser.source()).append(" -> ").append(parser.destination());
                }
            }
            default -> {
            }
        }
        return out.append(" consumed=").append(parser.consumed()).toString();
    }

}
