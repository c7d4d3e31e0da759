package dev.kqlisten.framing;

import java.nio.ByteBuffer;

/**
 * Frames after a big-endian unsigned length header of 1, 2, 4 or 8 bytes. The header gives the
 * body's length, or, when it counts itself, the header's and the body's together. The header is
 * not part of the frame; a zero-length body is reported as an empty frame.
 */
public final class LengthFieldFrameDecoder extends AbstractFrameDecoder {

    private final int headerLength;

    private final boolean headerCounted;

    private int headerSeen;

    private long value;

    /** The body's length once the header is complete, else -1. */
    private long bodyLength = -1;

    public LengthFieldFrameDecoder(int headerLength, boolean headerCounted, int maxFrameLength) {
        super(maxFrameLength, 0);
        if (headerLength != 1 && headerLength != 2 && headerLength != 4 && headerLength != 8) {
            throw new IllegalArgumentException("header length must be 1, 2, 4 or 8 bytes: " + headerLength);
        }
        this.headerLength = headerLength;
        this.headerCounted = headerCounted;
    }

    @Override
    int step(ByteBuffer data, int pos, int limit, FrameHandler handler) {
        if (this.bodyLength >= 0) {
            return body(data, pos, limit, this.bodyLength - this.pending.length(), handler);
        }
        if (!this.open) {
            beginFrame(pos);
        }
        int i = pos;
        while (i < limit && this.headerSeen < this.headerLength) {
            this.value = (this.value << 8) | (data.get(i++) & 0xff);
            this.headerSeen++;
        }
        if (this.headerSeen < this.headerLength) {
            return i;
        }
        // An 8-byte header above Long.MAX_VALUE reads as negative: no valid length either.
        long length = this.headerCounted ? this.value - this.headerLength : this.value;
        if (this.value < 0 || length < 0) {
            fail(FrameError.BAD_LENGTH, handler);
            return limit;
        }
        if (length > this.maxFrameLength) {
            fail(FrameError.FRAME_TOO_LONG, handler);
            return limit;
        }
        if (length == 0) {
            emitSlice(data, i, i, handler);
            return i;
        }
        this.bodyLength = length;
        return i;
    }

    @Override
    void endFrame() {
        super.endFrame();
        this.headerSeen = 0;
        this.value = 0;
        this.bodyLength = -1;
    }

}
