package dev.kqlisten.framing;

import java.nio.ByteBuffer;

/**
 * The bytes of one frame that spans reads. Grows by doubling up to a fixed bound, and lets go
 * of a large array once its frame is done, so that an idle connection holds little.
 */
final class FrameAccumulator {

    /** Kept between frames; a larger array is dropped when its frame completes. */
    static final int RETAINED_CAPACITY = 4096;

    private static final int INITIAL_CAPACITY = 256;

    private static final byte[] EMPTY = new byte[0];

    private final int bound;

    private byte[] bytes = EMPTY;

    /** Read-only view of {@link #bytes}, made again only when the array changes. */
    private ByteBuffer view = ByteBuffer.wrap(EMPTY).asReadOnlyBuffer();

    private int length;

    /** @param bound the most bytes it may ever hold */
    FrameAccumulator(int bound) {
        this.bound = bound;
    }

    int length() {
        return this.length;
    }

    /** Appends {@code src[from, from + n)}; the caller has checked that the bound allows it. */
    void append(ByteBuffer src, int from, int n) {
        int needed = this.length + n;
        if (needed > this.bytes.length) {
            grow(needed);
        }
        src.get(from, this.bytes, this.length, n);
        this.length = needed;
    }

    byte byteAt(int index) {
        return this.bytes[index];
    }

    /** A read-only view of the first {@code n} bytes, valid until the next change. */
    ByteBuffer view(int n) {
        this.view.clear().limit(n);
        return this.view;
    }

    /** Empties it for the next frame. */
    void reset() {
        this.length = 0;
        if (this.bytes.length > RETAINED_CAPACITY) {
            setArray(EMPTY);
        }
    }

    int capacity() {
        return this.bytes.length;
    }

    private void grow(int needed) {
        if (needed > this.bound) {
            throw new IllegalStateException("frame buffer bound " + this.bound + " exceeded: " + needed);
        }
        long capacity = Math.max(INITIAL_CAPACITY, this.bytes.length);
        while (capacity < needed) {
            capacity <<= 1;
        }
        byte[] larger = new byte[(int) Math.min(capacity, this.bound)];
        System.arraycopy(this.bytes, 0, larger, 0, this.length);
        setArray(larger);
    }

    private void setArray(byte[] array) {
        this.bytes = array;
        this.view = ByteBuffer.wrap(array).asReadOnlyBuffer();
    }

}
