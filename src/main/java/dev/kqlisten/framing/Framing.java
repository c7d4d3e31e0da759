package dev.kqlisten.framing;

import java.util.Objects;

/**
 * How one listener splits its connections' streams into frames: the settings every connection's
 * {@link FrameDecoder} is made from.
 *
 * @param mode the framing
 * @param maxFrameLength the longest frame accepted, in bytes; a longer one fails the connection
 * @param delimiter the byte that ends a frame in {@link Mode#DELIMITER} mode
 * @param lengthFieldBytes the size of the length header in {@link Mode#LENGTH_PREFIXED} mode: 1,
 * 2, 4 or 8
 * @param lengthIncludesHeader whether that header counts its own bytes
 * @param linesFallback in {@link Mode#OCTET_COUNTING} mode, whether a frame without an octet
 * count is read as a line (RFC 6587 non-transparent framing) instead of failing
 */
public record Framing(Mode mode, int maxFrameLength, byte delimiter, int lengthFieldBytes,
        boolean lengthIncludesHeader, boolean linesFallback) {

    /** No framing: connections deliver reads as they come. */
    public static final Framing RAW = new Framing(Mode.RAW, 1, (byte) '\n', 4, false, false);

    /** The framings. */
    public enum Mode {

        /** Reads as they come, no frames. */
        RAW,

        /** Lines ending in LF, a CR before it dropped too. */
        LINES,

        /** RFC 6587 octet counting, optionally with non-transparent (LF) framing as fallback. */
        OCTET_COUNTING,

        /** A big-endian length header before each frame. */
        LENGTH_PREFIXED,

        /** Frames ending in one configured byte. */
        DELIMITER

    }

    public Framing {
        Objects.requireNonNull(mode, "mode");
        if (maxFrameLength < 1) {
            throw new IllegalArgumentException("maxFrameLength must be at least 1, was " + maxFrameLength);
        }
        if (lengthFieldBytes != 1 && lengthFieldBytes != 2 && lengthFieldBytes != 4 && lengthFieldBytes != 8) {
            throw new IllegalArgumentException("lengthFieldBytes must be 1, 2, 4 or 8, was " + lengthFieldBytes);
        }
    }

    /** Lines of at most {@code maxFrameLength} bytes. */
    public static Framing lines(int maxFrameLength) {
        return new Framing(Mode.LINES, maxFrameLength, (byte) '\n', 4, false, false);
    }

    /** Whether connections are split into frames at all. */
    public boolean isFramed() {
        return this.mode != Mode.RAW;
    }

    /** A decoder for one new connection; {@code null} for {@link Mode#RAW}. */
    public FrameDecoder newDecoder() {
        return switch (this.mode) {
            case RAW -> null;
            case LINES -> DelimiterFrameDecoder.lines(this.maxFrameLength);
            case DELIMITER -> DelimiterFrameDecoder.delimiter(this.delimiter, this.maxFrameLength);
            case OCTET_COUNTING -> new OctetCountingFrameDecoder(this.maxFrameLength, this.linesFallback);
            case LENGTH_PREFIXED -> new LengthFieldFrameDecoder(this.lengthFieldBytes, this.lengthIncludesHeader,
                    this.maxFrameLength);
        };
    }

}
