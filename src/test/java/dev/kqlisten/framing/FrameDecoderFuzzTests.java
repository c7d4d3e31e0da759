package dev.kqlisten.framing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random streams, split at random places: valid streams yield exactly the frames encoded; any
 * bytes at all yield the same reports however they are split, never an exception, and never
 * more buffered than the bound.
 */
class FrameDecoderFuzzTests {

    private static final int MAX = 300;

    private static final int ROUNDS = 300;

    static Stream<Arguments> framings() {
        List<Arguments> all = new ArrayList<>();
        all.add(Arguments.of("lines", (Supplier<FrameDecoder>) () -> DelimiterFrameDecoder.lines(MAX)));
        all.add(Arguments.of("delimiter 0x1e",
                (Supplier<FrameDecoder>) () -> DelimiterFrameDecoder.delimiter((byte) 0x1e, MAX)));
        all.add(Arguments.of("octet-counting", (Supplier<FrameDecoder>) () -> new OctetCountingFrameDecoder(MAX, false)));
        all.add(Arguments.of("octet-counting with lines",
                (Supplier<FrameDecoder>) () -> new OctetCountingFrameDecoder(MAX, true)));
        for (int header : new int[] { 1, 2, 4, 8 }) {
            for (boolean counted : new boolean[] { false, true }) {
                // A 1-byte header cannot announce MAX: cap the maximum at what it can say.
                int max = (header == 1) ? 200 : MAX;
                all.add(Arguments.of("length-prefixed " + header + (counted ? " counted" : ""),
                        (Supplier<FrameDecoder>) () -> new LengthFieldFrameDecoder(header, counted, max)));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framings")
    void validStreamsYieldTheirFramesHoweverTheyAreSplit(String name, Supplier<FrameDecoder> decoders) {
        for (int round = 0; round < ROUNDS; round++) {
            long seed = name.hashCode() * 31L + round;
            SplittableRandom random = new SplittableRandom(seed);
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            List<String> expected = new ArrayList<>();
            int frames = random.nextInt(1, 40);
            for (int i = 0; i < frames; i++) {
                expected.add("frame@" + stream.size() + " " + encode(name, random, stream));
            }
            List<String> reports = feed(decoders.get(), stream.toByteArray(), random, true);
            assertThat(reports).as("%s, seed %d", name, seed).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framings")
    void anyBytesYieldTheSameReportsHoweverTheyAreSplitAndNeverThrow(String name, Supplier<FrameDecoder> decoders) {
        for (int round = 0; round < ROUNDS; round++) {
            long seed = name.hashCode() * 17L + round;
            SplittableRandom random = new SplittableRandom(seed);
            byte[] garbage = garbage(random);
            List<String> whole = feed(decoders.get(), garbage, null, true);
            List<String> split = feed(decoders.get(), garbage, random, true);
            assertThat(split).as("%s, seed %d", name, seed).isEqualTo(whole);
        }
    }

    /** Appends one random frame of this framing to {@code stream}; returns its body as text. */
    private static String encode(String name, SplittableRandom random, ByteArrayOutputStream stream) {
        int max = name.equals("length-prefixed 1") || name.equals("length-prefixed 1 counted") ? 200 : MAX;
        int length = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> max;
            default -> random.nextInt(max + 1);
        };
        byte[] body = new byte[length];
        random.nextBytes(body);
        if (name.equals("lines") || name.equals("delimiter 0x1e")) {
            byte delimiter = name.equals("lines") ? (byte) '\n' : 0x1e;
            for (int i = 0; i < body.length; i++) {
                if (body[i] == delimiter) {
                    body[i] = 'x';
                }
            }
            boolean crlf = false;
            if (name.equals("lines") && length > 0 && body[length - 1] == '\r') {
                body[length - 1] = 'y';
            }
            if (name.equals("lines") && random.nextBoolean()) {
                crlf = true;
            }
            stream.writeBytes(body);
            if (crlf) {
                stream.write('\r');
            }
            stream.write(delimiter);
        }
        else if (name.startsWith("octet-counting")) {
            boolean line = name.endsWith("lines") && random.nextBoolean() && length > 0;
            if (line) {
                body[0] = '<';
                for (int i = 0; i < body.length; i++) {
                    if (body[i] == '\n') {
                        body[i] = 'x';
                    }
                }
                if (body[length - 1] == '\r') {
                    body[length - 1] = 'y';
                }
                stream.writeBytes(body);
                stream.write('\n');
            }
            else if (length == 0) {
                // RFC 6587 has no empty octet-counted frame (MSG-LEN starts with 1-9).
                body = new byte[] { 'z' };
                stream.writeBytes("1 z".getBytes(StandardCharsets.US_ASCII));
            }
            else {
                stream.writeBytes((length + " ").getBytes(StandardCharsets.US_ASCII));
                stream.writeBytes(body);
            }
        }
        else {
            int header = name.charAt("length-prefixed ".length()) - '0';
            boolean counted = name.endsWith("counted");
            ByteBuffer prefix = FrameDecoderTests.putLength(ByteBuffer.allocate(header), header,
                    length + (counted ? header : 0));
            stream.writeBytes(prefix.array());
            stream.writeBytes(body);
        }
        return new String(body, StandardCharsets.ISO_8859_1);
    }

    /** Mostly the bytes that matter to some framing (LF, CR, 0x1e, digits, space), some of any value. */
    private static byte[] garbage(SplittableRandom random) {
        byte[] bytes = new byte[random.nextInt(0, 3000)];
        byte[] interesting = "\n\r\u001e 0123456789<".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (random.nextInt(3) == 0) ? (byte) random.nextInt(256)
                    : interesting[random.nextInt(interesting.length)];
        }
        return bytes;
    }

    /** Feeds {@code bytes} in random pieces (or whole, when {@code random} is null), then ends the stream. */
    private static List<String> feed(FrameDecoder decoder, byte[] bytes, SplittableRandom random, boolean end) {
        RecordingHandler handler = new RecordingHandler();
        int bound = MAX + 1;
        int offset = 0;
        // Fed from inside a larger buffer, as from a read buffer: the decoder must honour position and limit.
        ByteBuffer buffer = ByteBuffer.allocate(bytes.length + 16);
        buffer.position(7).put(bytes);
        while (offset < bytes.length) {
            int n = (random == null) ? bytes.length : Math.min(bytes.length - offset, 1 + random.nextInt(
                    random.nextBoolean() ? 4 : 700));
            buffer.limit(7 + offset + n).position(7 + offset);
            decoder.decode(buffer, handler);
            assertThat(buffer.position()).isEqualTo(7 + offset + n);
            assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(bound);
            offset += n;
        }
        if (end) {
            decoder.endOfStream(handler);
        }
        return handler.reports;
    }

}
