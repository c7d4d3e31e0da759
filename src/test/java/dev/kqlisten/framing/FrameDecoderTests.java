package dev.kqlisten.framing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FrameDecoderTests {

    @Test
    void linesAcceptLfAndCrLfAndReportEmptyLinesAndTheRestAtEndOfStream() {
        RecordingHandler handler = new RecordingHandler();
        FrameDecoder decoder = DelimiterFrameDecoder.lines(100);
        decoder.decode(bytes("one\ntwo\r\n\nthr"), handler);
        decoder.decode(bytes("ee\r"), handler);
        decoder.decode(bytes("\nfour"), handler);
        assertThat(decoder.bufferedBytes()).isEqualTo(4);
        decoder.endOfStream(handler);
        assertThat(handler.reports).containsExactly("frame@0 one", "frame@4 two", "frame@9 ", "frame@10 three",
                "truncated@17 four");
    }

    @Test
    void aCrInsideALineIsKept() {
        RecordingHandler handler = new RecordingHandler();
        DelimiterFrameDecoder.lines(100).decode(bytes("a\rb\n"), handler);
        assertThat(handler.frames()).containsExactly("a\rb");
    }

    @Test
    void aLineOfExactlyTheMaximumPassesWithEitherEndingAndOneByteMoreFails() {
        RecordingHandler handler = new RecordingHandler();
        FrameDecoder decoder = DelimiterFrameDecoder.lines(3);
        decoder.decode(bytes("abc\r\nabc\nabcd\nnever\n"), handler);
        assertThat(handler.reports).containsExactly("frame@0 abc", "frame@5 abc", "malformed@9 FRAME_TOO_LONG");
        assertThat(decoder.failed()).isTrue();
    }

    @Test
    void anOverlongLineFailsBeforeItsEndArrivesAndHoldsNoMoreThanTheBound() {
        RecordingHandler handler = new RecordingHandler();
        DelimiterFrameDecoder decoder = DelimiterFrameDecoder.lines(1000);
        byte[] chunk = new byte[300];
        java.util.Arrays.fill(chunk, (byte) 'x');
        int fed = 0;
        while (!decoder.failed() && fed < 1_000_000) {
            decoder.decode(ByteBuffer.wrap(chunk), handler);
            fed += chunk.length;
            assertThat(decoder.bufferedBytes()).isLessThanOrEqualTo(1001);
            assertThat(decoder.pending.capacity()).isLessThanOrEqualTo(1001);
        }
        assertThat(fed).isEqualTo(1200);
        assertThat(handler.reports).containsExactly("malformed@0 FRAME_TOO_LONG");
        // Everything after the error is consumed and ignored, also at the end of the stream.
        ByteBuffer more = bytes("\nok\n");
        decoder.decode(more, handler);
        decoder.endOfStream(handler);
        assertThat(more.hasRemaining()).isFalse();
        assertThat(handler.reports).hasSize(1);
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @Test
    void aFrameInsideOneReadIsLentFromTheFedBufferAndOneAcrossReadsFromTheDecodersOwn() {
        RecordingHandler handler = new RecordingHandler();
        FrameDecoder decoder = DelimiterFrameDecoder.lines(100);
        ByteBuffer first = bytes("whole\nhal");
        decoder.decode(first, handler);
        decoder.decode(bytes("f\n"), handler);
        assertThat(handler.lent.get(0)).isSameAs(first);
        assertThat(handler.lent.get(1)).isNotSameAs(first);
        assertThat(handler.lent.get(1).isReadOnly()).isTrue();
        assertThat(first.position()).isEqualTo(first.limit());
    }

    @Test
    void aHandlerThatMovesTheLentBufferDoesNotDisturbTheDecoder() {
        FrameDecoder decoder = DelimiterFrameDecoder.lines(100);
        RecordingHandler recording = new RecordingHandler();
        FrameHandler greedy = new FrameHandler() {

            @Override
            public void frame(ByteBuffer frame, long offset) {
                recording.frame(frame, offset);
                frame.position(frame.limit()).limit(frame.position());
            }

            @Override
            public void malformed(FrameError error, long offset) {
                recording.malformed(error, offset);
            }

            @Override
            public void truncated(ByteBuffer partial, long offset) {
                recording.truncated(partial, offset);
            }

        };
        decoder.decode(bytes("a\nb\nc\n"), greedy);
        assertThat(recording.frames()).containsExactly("a", "b", "c");
    }

    @Test
    void aDelimiterOtherThanLfKeepsCrs() {
        RecordingHandler handler = new RecordingHandler();
        DelimiterFrameDecoder.delimiter((byte) 0, 10).decode(bytes("a\r\0\0b\n\0"), handler);
        assertThat(handler.frames()).containsExactly("a\r", "", "b\n");
    }

    @Test
    void octetCountedFramesFollowTheirCounts() {
        RecordingHandler handler = new RecordingHandler();
        FrameDecoder decoder = new OctetCountingFrameDecoder(100, false);
        decoder.decode(bytes("5 hello12 with\nnewline3 ab"), handler);
        decoder.endOfStream(handler);
        assertThat(handler.reports).containsExactly("frame@0 hello", "frame@7 with\nnewline", "truncated@22 ab");
    }

    @Test
    void octetCountsWithALeadingZeroOrWithoutTheSpaceAreRejected() {
        assertThat(decodeOctets("05 hello", 100)).containsExactly("malformed@0 BAD_OCTET_COUNT");
        assertThat(decodeOctets("3 abc5xhello", 100)).containsExactly("frame@0 abc", "malformed@5 BAD_OCTET_COUNT");
        assertThat(decodeOctets("<13>no count\n", 100)).containsExactly("malformed@0 BAD_OCTET_COUNT");
    }

    @Test
    void anOctetCountAboveTheMaximumFailsWhileItIsStillBeingRead() {
        RecordingHandler handler = new RecordingHandler();
        FrameDecoder decoder = new OctetCountingFrameDecoder(100, false);
        decoder.decode(bytes("100 "), handler);
        assertThat(handler.reports).isEmpty();
        decoder.decode(bytes("x".repeat(100) + "101"), handler);
        assertThat(handler.reports).containsExactly("frame@0 " + "x".repeat(100), "malformed@104 FRAME_TOO_LONG");
        assertThat(decoder.bufferedBytes()).isZero();
    }

    @Test
    void withTheLinesFallbackAFrameWithoutACountRunsToTheNextLf() {
        RecordingHandler handler = new RecordingHandler();
        FrameDecoder decoder = new OctetCountingFrameDecoder(100, true);
        decoder.decode(bytes("<13>plain line\r\n5 hello<14>another\n"), handler);
        assertThat(handler.frames()).containsExactly("<13>plain line", "hello", "<14>another");
    }

    @Test
    void lengthPrefixedFramesOfEveryHeaderSize() {
        for (int header : new int[] { 1, 2, 4, 8 }) {
            for (boolean counted : new boolean[] { false, true }) {
                ByteBuffer stream = ByteBuffer.allocate(64);
                putLength(stream, header, 3 + (counted ? header : 0)).put(bytes("abc"));
                putLength(stream, header, counted ? header : 0);
                putLength(stream, header, 2 + (counted ? header : 0)).put(bytes("x"));
                stream.flip();
                RecordingHandler handler = new RecordingHandler();
                FrameDecoder decoder = new LengthFieldFrameDecoder(header, counted, 100);
                decoder.decode(stream, handler);
                decoder.endOfStream(handler);
                assertThat(handler.reports).as("header %d counted %s", header, counted)
                    .containsExactly("frame@0 abc", "frame@" + (header + 3) + " ", "truncated@" + (2 * header + 3) + " x");
            }
        }
    }

    @Test
    void lengthsThatAreNoLengthAreRejected() {
        RecordingHandler handler = new RecordingHandler();
        new LengthFieldFrameDecoder(2, true, 100).decode(ByteBuffer.wrap(new byte[] { 0, 1 }), handler);
        assertThat(handler.reports).containsExactly("malformed@0 BAD_LENGTH");
        handler = new RecordingHandler();
        new LengthFieldFrameDecoder(8, false, 100).decode(ByteBuffer.wrap(new byte[] { (byte) 0x80, 0, 0, 0, 0, 0, 0, 0 }),
                handler);
        assertThat(handler.reports).containsExactly("malformed@0 BAD_LENGTH");
        handler = new RecordingHandler();
        new LengthFieldFrameDecoder(4, false, 100).decode(ByteBuffer.wrap(new byte[] { 0, 0, 0, 101 }), handler);
        assertThat(handler.reports).containsExactly("malformed@0 FRAME_TOO_LONG");
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> new LengthFieldFrameDecoder(3, false, 10));
        assertThatIllegalArgumentException().isThrownBy(() -> DelimiterFrameDecoder.lines(0));
    }

    @Test
    void aLargeFrameBufferIsReleasedOnceItsFrameIsDone() {
        RecordingHandler handler = new RecordingHandler();
        LengthFieldFrameDecoder decoder = new LengthFieldFrameDecoder(4, false, 1 << 20);
        decoder.decode(ByteBuffer.wrap(new byte[] { 0, 1, 0, 0 }), handler);
        decoder.decode(ByteBuffer.allocate(40_000), handler);
        assertThat(decoder.pending.capacity()).isGreaterThan(FrameAccumulator.RETAINED_CAPACITY);
        decoder.decode(ByteBuffer.allocate(65_536 - 40_000), handler);
        assertThat(handler.reports).hasSize(1);
        assertThat(decoder.pending.capacity()).isLessThanOrEqualTo(FrameAccumulator.RETAINED_CAPACITY);
    }

    private static List<String> decodeOctets(String text, int max) {
        RecordingHandler handler = new RecordingHandler();
        new OctetCountingFrameDecoder(max, false).decode(bytes(text), handler);
        return handler.reports;
    }

    static ByteBuffer putLength(ByteBuffer buffer, int header, long length) {
        for (int i = header - 1; i >= 0; i--) {
            buffer.put((byte) (length >>> (8 * i)));
        }
        return buffer;
    }

    static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
    }

}
