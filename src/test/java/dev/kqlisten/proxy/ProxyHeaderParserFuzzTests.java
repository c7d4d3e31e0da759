package dev.kqlisten.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static dev.kqlisten.proxy.ProxyHeaders.ascii;
import static dev.kqlisten.proxy.ProxyHeaders.block;
import static dev.kqlisten.proxy.ProxyHeaders.concat;
import static dev.kqlisten.proxy.ProxyHeaders.feed;
import static dev.kqlisten.proxy.ProxyHeaders.tlv;
import static dev.kqlisten.proxy.ProxyHeaders.v2;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random input for the PROXY protocol parser, with fixed seeds so a failure reproduces. Whatever
 * the bytes: no exception, the same outcome however they are split, never more buffered than
 * {@link ProxyHeaderParser#V1_MAX_LENGTH} (checked after every call by
 * {@link ProxyHeaders#feed}), never more consumed than a header may have. Random valid headers
 * decode to what was encoded.
 */
class ProxyHeaderParserFuzzTests {

    private static final int ROUNDS = 2_000;

    @Test
    void randomBytesGiveTheSameOutcomeHoweverSplit() {
        SplittableRandom random = new SplittableRandom(12);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] bytes = randomInput(random);
            assertSplitInvariant(bytes, random, "round " + round);
        }
    }

    @Test
    void mutatedValidHeadersGiveTheSameOutcomeHoweverSplit() {
        SplittableRandom random = new SplittableRandom(34);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] bytes = concat(validHeader(random).bytes, ascii("payload"));
            int flips = random.nextInt(1, 4);
            for (int i = 0; i < flips; i++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            assertSplitInvariant(bytes, random, "round " + round);
        }
    }

    @Test
    void truncatedValidHeadersNeedMoreAndNeverFail() {
        SplittableRandom random = new SplittableRandom(56);
        for (int round = 0; round < ROUNDS; round++) {
            byte[] header = validHeader(random).bytes;
            int length = random.nextInt(header.length);
            byte[] truncated = java.util.Arrays.copyOf(header, length);
            String outcome = feed(new ProxyHeaderParser(), truncated, randomCuts(random, length));
            assertThat(outcome).as("round %d, %d of %d bytes", round, length, header.length)
                .isEqualTo("NEED_MORE consumed=" + length + " rest=");
        }
    }

    @Test
    void randomValidHeadersDecodeToWhatWasEncodedHoweverSplit() {
        SplittableRandom random = new SplittableRandom(78);
        for (int round = 0; round < ROUNDS; round++) {
            Header header = validHeader(random);
            byte[] stream = concat(header.bytes, ascii("after"));
            String outcome = feed(new ProxyHeaderParser(), stream, randomCuts(random, stream.length));
            assertThat(outcome).as("round %d: %s", round, header.description).isEqualTo(header.expected + " rest=after");
        }
    }

    @Test
    void oversizeV2LengthsAreSkippedOrWaitedForWithinTheBounds() {
        SplittableRandom random = new SplittableRandom(90);
        for (int round = 0; round < 50; round++) {
            int length = random.nextInt(0xF000, 0x10000);
            byte[] block = new byte[length];
            random.nextBytes(block);
            // A LOCAL block of any content is skipped, the whole declared length and no more.
            byte[] local = concat(v2(0x20, 0x00, block), ascii("x"));
            assertThat(feed(new ProxyHeaderParser(), local, randomCuts(random, local.length)))
                .isEqualTo("DONE v2 LOCAL consumed=" + (16 + length) + " rest=x");
            // A declared length larger than what arrives keeps the parser waiting, holding nothing.
            byte[] declaredOnly = v2(0x21, 0x11, length, java.util.Arrays.copyOf(block(address(random, 4), address(random, 4),
                    tlv(0xE1, length - 15)), 5_000));
            ProxyHeaderParser parser = new ProxyHeaderParser();
            assertThat(feed(parser, declaredOnly, randomCuts(random, declaredOnly.length)))
                .isEqualTo("NEED_MORE consumed=" + declaredOnly.length + " rest=");
            assertThat(parser.bufferedBytes()).isZero();
        }
    }

    private static void assertSplitInvariant(byte[] bytes, SplittableRandom random, String what) {
        ProxyHeaderParser parser = new ProxyHeaderParser();
        String whole = feed(parser, bytes);
        assertThat(parser.consumed()).as(what).isLessThanOrEqualTo(Math.min(bytes.length, ProxyHeaderParser.V2_MAX_LENGTH));
        for (int split = 0; split < 5; split++) {
            assertThat(feed(new ProxyHeaderParser(), bytes, randomCuts(random, bytes.length))).as(what).isEqualTo(whole);
        }
    }

    /** Random bytes, often starting like a header so the parser goes past its first byte. */
    private static byte[] randomInput(SplittableRandom random) {
        byte[] tail = new byte[random.nextInt(0, 200)];
        random.nextBytes(tail);
        return switch (random.nextInt(4)) {
            case 0 -> tail;
            case 1 -> concat(ascii("PROXY "), tail);
            case 2 -> concat(ProxyHeaders.SIGNATURE, tail);
            default -> concat(java.util.Arrays.copyOf(ProxyHeaders.SIGNATURE, random.nextInt(1, 13)), tail);
        };
    }

    private static int[] randomCuts(SplittableRandom random, int length) {
        int count = random.nextInt(0, 12);
        int[] cuts = random.ints(count, 0, length + 1).sorted().toArray();
        return cuts;
    }

    private record Header(byte[] bytes, String expected, String description) {
    }

    private static Header validHeader(SplittableRandom random) {
        int kind = random.nextInt(6);
        if (kind == 0) {
            return new Header(ascii("PROXY UNKNOWN\r\n"), "DONE v1 LOCAL consumed=15", "v1 UNKNOWN");
        }
        if (kind == 1) {
            byte[] block = new byte[random.nextInt(0, 300)];
            random.nextBytes(block);
            int family = new int[] { 0x00, 0x11, 0x21, 0x12, 0x31 }[random.nextInt(5)];
            return new Header(v2(0x20, family, block), "DONE v2 LOCAL consumed=" + (16 + block.length), "v2 LOCAL");
        }
        int size = random.nextBoolean() ? 4 : 16;
        InetSocketAddress source = address(random, size);
        InetSocketAddress destination = address(random, size);
        String addresses = " " + source + " -> " + destination;
        if (kind == 2) {
            String line = "PROXY " + ((size == 4) ? "TCP4 " : "TCP6 ") + text(source, random) + " "
                    + text(destination, random) + " " + source.getPort() + " " + destination.getPort() + "\r\n";
            return new Header(ascii(line), "DONE v1" + addresses + " consumed=" + line.length(), line);
        }
        List<byte[]> tlvs = new ArrayList<>();
        int count = random.nextInt(0, 5);
        for (int i = 0; i < count; i++) {
            tlvs.add(tlv(random.nextInt(256), random.nextInt(0, 100)));
        }
        byte[] bytes = v2(0x21, (size == 4) ? 0x11 : 0x21, block(source, destination, tlvs.toArray(byte[][]::new)));
        return new Header(bytes, "DONE v2" + addresses + " consumed=" + bytes.length, "v2 PROXY " + count + " TLVs");
    }

    /** The address as Java prints it (IPv6 groups without leading zeroes) or with a run of zero groups as "::". */
    private static String text(InetSocketAddress address, SplittableRandom random) {
        String text = address.getAddress().getHostAddress();
        if (text.contains(":") && random.nextBoolean()) {
            text = text.replaceFirst("(^|:)0(:0)*(:|$)", "::");
        }
        return random.nextBoolean() ? text : text.toUpperCase(java.util.Locale.ROOT);
    }

    /** A random address of {@code size} bytes (never IPv4-mapped, which would print as IPv4) and port. */
    private static InetSocketAddress address(SplittableRandom random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        if (size == 16) {
            bytes[0] = (byte) (0x20 | (bytes[0] & 0x0F));
            // Runs of zero groups, so that "::" forms are not the exception.
            for (int group = random.nextInt(8), n = random.nextInt(4); n > 0 && group < 8; n--, group++) {
                bytes[2 * group] = 0;
                bytes[2 * group + 1] = 0;
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), random.nextInt(65536));
        }
        catch (UnknownHostException ex) {
            throw new IllegalStateException(ex);
        }
    }

}
