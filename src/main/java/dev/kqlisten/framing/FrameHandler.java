package dev.kqlisten.framing;

import java.nio.ByteBuffer;

/**
 * Receives what a {@link FrameDecoder} finds, on the thread that feeds it.
 * <p>
 * The buffers are lent: read-only views, valid during the call only (the next read or frame
 * overwrites what they show). A receiver that keeps bytes copies them. Their position and limit
 * may be changed by the receiver; the decoder does not depend on them afterwards.
 */
public interface FrameHandler {

    /**
     * One whole frame, without its header or delimiter.
     *
     * @param offset the offset in the connection's stream where the frame (including its
     * header) starts
     */
    void frame(ByteBuffer frame, long offset);

    /**
     * The stream cannot be decoded any further; nothing more is reported for it.
     *
     * @param offset the offset in the connection's stream where the failing frame starts
     */
    void malformed(FrameError error, long offset);

    /**
     * The stream ended inside a frame: the bytes of the frame received so far (its body for
     * length-prefixed and octet-counted frames, what came after the last delimiter otherwise).
     *
     * @param offset the offset in the connection's stream where the frame starts
     */
    void truncated(ByteBuffer partial, long offset);

}
