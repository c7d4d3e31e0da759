package dev.kqlisten.framing;

import java.nio.ByteBuffer;

/**
 * Frames that end at a delimiter byte, which is not part of the frame: lines (LF, with a CR
 * before it dropped too, so CRLF is accepted) or any one configured byte. An empty frame (two
 * delimiters in a row) is reported as one. A frame longer than the maximum fails the stream as
 * soon as it has grown past it, without waiting for its delimiter.
 */
public final class DelimiterFrameDecoder extends AbstractFrameDecoder {

    private final byte delimiter;

    private final boolean stripCr;

    private DelimiterFrameDecoder(byte delimiter, boolean stripCr, int maxFrameLength) {
        super(maxFrameLength, stripCr ? 1 : 0);
        this.delimiter = delimiter;
        this.stripCr = stripCr;
    }

    /** Lines ending in LF or CRLF, without their line ending. */
    public static DelimiterFrameDecoder lines(int maxFrameLength) {
        return new DelimiterFrameDecoder((byte) '\n', true, maxFrameLength);
    }

    /** Frames ending in {@code delimiter}, without it. */
    public static DelimiterFrameDecoder delimiter(byte delimiter, int maxFrameLength) {
        return new DelimiterFrameDecoder(delimiter, false, maxFrameLength);
    }

    @Override
    int step(ByteBuffer data, int pos, int limit, FrameHandler handler) {
        return delimited(data, pos, limit, this.delimiter, this.stripCr, handler);
    }

}
