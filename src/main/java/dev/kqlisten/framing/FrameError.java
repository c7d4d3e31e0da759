package dev.kqlisten.framing;

/** Why a decoder gave up on a stream; after one, it ignores the rest of the stream. */
public enum FrameError {

    /** A frame (its announced or accumulated length) is longer than the decoder's maximum. */
    FRAME_TOO_LONG,

    /**
     * An RFC 6587 octet count that is not one: not starting with a digit 1-9 (without the lines
     * fallback), or digits not followed by a space.
     */
    BAD_OCTET_COUNT,

    /** A length prefix that gives no valid length (negative, or smaller than a counted header). */
    BAD_LENGTH

}
