package dev.kqlisten.framing;

import java.nio.ByteBuffer;

/**
 * What every decoder shares: stream offsets, the error state, the buffer of a frame that spans
 * reads, and handing a frame to the handler either as a view of the fed buffer (whole inside one
 * read: no copy) or of that buffer.
 */
abstract class AbstractFrameDecoder implements FrameDecoder {

    final int maxFrameLength;

    final FrameAccumulator pending;

    /** Offset in the stream of index 0 of the buffer being decoded. */
    long base;

    /** Offset in the stream where the current frame starts. */
    long frameStart;

    /** Whether a frame has begun and not ended. */
    boolean open;

    private boolean failed;

    /** Bytes consumed before the current call. */
    private long consumed;

    /**
     * @param maxFrameLength the longest frame body accepted
     * @param slack bytes a frame may need beyond {@code maxFrameLength} while it is assembled
     * (a CR before the LF)
     */
    AbstractFrameDecoder(int maxFrameLength, int slack) {
        if (maxFrameLength < 1) {
            throw new IllegalArgumentException("maxFrameLength must be at least 1: " + maxFrameLength);
        }
        this.maxFrameLength = maxFrameLength;
        this.pending = new FrameAccumulator((int) Math.min(Integer.MAX_VALUE - 8, (long) maxFrameLength + slack));
    }

    @Override
    public final void decode(ByteBuffer data, FrameHandler handler) {
        int limit = data.limit();
        int start = data.position();
        this.base = this.consumed - start;
        int pos = start;
        while (pos < limit && !this.failed) {
            pos = step(data, pos, limit, handler);
            // A handler may have moved the lent buffer's indexes; put them back.
            data.limit(limit);
        }
        data.position(limit);
        this.consumed += limit - start;
    }

    /**
     * Decodes from {@code pos}, at least one byte unless the decoder fails.
     *
     * @return the index of the first byte not consumed
     */
    abstract int step(ByteBuffer data, int pos, int limit, FrameHandler handler);

    @Override
    public final void endOfStream(FrameHandler handler) {
        boolean report = !this.failed && this.open;
        ByteBuffer partial = this.pending.view(this.pending.length());
        this.pending.reset();
        endFrame();
        if (report) {
            handler.truncated(partial, this.frameStart);
        }
    }

    /** A frame begins at index {@code pos}. */
    final void beginFrame(int pos) {
        this.open = true;
        this.frameStart = offsetOf(pos);
    }

    /** Back to the state between frames; a subclass resets its own state too. */
    void endFrame() {
        this.open = false;
    }

    @Override
    public final int bufferedBytes() {
        return this.pending.length();
    }

    @Override
    public final boolean failed() {
        return this.failed;
    }

    final void fail(FrameError error, FrameHandler handler) {
        this.failed = true;
        this.pending.reset();
        handler.malformed(error, this.frameStart);
    }

    /** Ends the frame and reports {@code data[from, to)} as it, lending the fed buffer itself. */
    final void emitSlice(ByteBuffer data, int from, int to, FrameHandler handler) {
        endFrame();
        data.limit(to).position(from);
        handler.frame(data, this.frameStart);
    }

    /** Ends the frame and reports the first {@code n} bytes of the pending buffer as it. */
    final void emitPending(int n, FrameHandler handler) {
        ByteBuffer frame = this.pending.view(n);
        this.pending.reset();
        endFrame();
        handler.frame(frame, this.frameStart);
    }

    /**
     * Decodes a frame that ends at the next {@code delimiter} (exclusive; a CR before it dropped
     * too when {@code stripCr}).
     *
     * @return the index after the delimiter, or {@code limit} when none was found or on error
     */
    final int delimited(ByteBuffer data, int pos, int limit, byte delimiter, boolean stripCr, FrameHandler handler) {
        if (!this.open) {
            beginFrame(pos);
        }
        int end = pos;
        while (end < limit && data.get(end) != delimiter) {
            end++;
        }
        int n = end - pos;
        int held = this.pending.length();
        if ((long) held + n > (long) this.maxFrameLength + (stripCr ? 1 : 0)) {
            fail(FrameError.FRAME_TOO_LONG, handler);
            return limit;
        }
        if (end == limit) {
            this.pending.append(data, pos, n);
            return limit;
        }
        if (held == 0) {
            int to = (stripCr && n > 0 && data.get(end - 1) == '\r') ? end - 1 : end;
            if (to - pos > this.maxFrameLength) {
                fail(FrameError.FRAME_TOO_LONG, handler);
                return limit;
            }
            emitSlice(data, pos, to, handler);
        }
        else {
            this.pending.append(data, pos, n);
            int length = this.pending.length();
            if (stripCr && length > 0 && this.pending.byteAt(length - 1) == '\r') {
                length--;
            }
            if (length > this.maxFrameLength) {
                fail(FrameError.FRAME_TOO_LONG, handler);
                return limit;
            }
            emitPending(length, handler);
        }
        return end + 1;
    }

    /**
     * Decodes the body of a frame of known {@code remaining} length.
     *
     * @return the index after the bytes consumed
     */
    final int body(ByteBuffer data, int pos, int limit, long remaining, FrameHandler handler) {
        int available = limit - pos;
        if (this.pending.length() == 0 && available >= remaining) {
            int to = pos + (int) remaining;
            emitSlice(data, pos, to, handler);
            return to;
        }
        int n = (int) Math.min(remaining, available);
        this.pending.append(data, pos, n);
        if (n == remaining) {
            emitPending(this.pending.length(), handler);
        }
        return pos + n;
    }

    /** The stream offset of index {@code pos} of the buffer being decoded. */
    final long offsetOf(int pos) {
        return this.base + pos;
    }

}
