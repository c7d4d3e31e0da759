package dev.kqlisten.framing;

import java.nio.ByteBuffer;

/**
 * The state of one connection's stream between reads. Not thread-safe: one owner feeds it.
 * <p>
 * Frames that lie whole inside one read are reported as views of the read's buffer, without
 * copying; only a frame that spans reads is copied, into a buffer that never grows beyond the
 * decoder's maximum frame length (plus its header or delimiter).
 */
public interface FrameDecoder {

    /**
     * Decodes {@code data} from its position to its limit, reporting every frame it completes;
     * keeps the rest for the next call. Consumes all of {@code data} (its position ends at its
     * limit), also after an error.
     */
    void decode(ByteBuffer data, FrameHandler handler);

    /** The stream ended: reports the frame in progress, if any, as truncated. */
    void endOfStream(FrameHandler handler);

    /** Bytes of an unfinished frame held between reads. */
    int bufferedBytes();

    /** Whether the decoder has reported an error and ignores what follows. */
    boolean failed();

}
