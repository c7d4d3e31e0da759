package dev.kqlisten.nativeio.bsd;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * An off-heap array of {@code struct kevent} in one {@link Memory} block, written and read by
 * offset ({@link KeventLayout}); no {@code Structure} and no object per entry. Owned by one
 * thread.
 */
final class KeventArray implements AutoCloseable {

    private final KeventLayout layout;

    private Memory memory;

    private int capacity;

    KeventArray(KeventLayout layout, int capacity) {
        this(layout, capacity, 0);
    }

    /**
     * An array of at least {@code minBytes}: {@link KeventAbiCheck} gives a library room for
     * entries larger than the layout says, so that a wrong layout is reported, not a heap
     * overrun (docs/native-abi.md §9.1). The slack is zeroed.
     */
    KeventArray(KeventLayout layout, int capacity, long minBytes) {
        this.layout = layout;
        this.capacity = capacity;
        this.memory = new Memory(Math.max((long) capacity * layout.size(), Math.max(minBytes, 1)));
        this.memory.clear();
    }

    int capacity() {
        return this.capacity;
    }

    Pointer pointer() {
        return this.memory;
    }

    /** The address of entry {@code i}; allocates a {@link Pointer}, so not for the common path. */
    Pointer pointer(int i) {
        return this.memory.share(offset(i));
    }

    /** Fills entry {@code i}, as C's {@code EV_SET}, zeroing {@code ext[]} where the ABI has it (§1.1). */
    void set(int i, long ident, short filter, short flags, int fflags, long data, long udata) {
        long base = offset(i);
        this.memory.setLong(base + KeventLayout.IDENT, ident);
        this.memory.setShort(base + KeventLayout.FILTER, filter);
        this.memory.setShort(base + KeventLayout.FLAGS, flags);
        this.memory.setInt(base + KeventLayout.FFLAGS, fflags);
        this.memory.setLong(base + KeventLayout.DATA, data);
        this.memory.setLong(base + KeventLayout.UDATA, udata);
        for (int w = 0; w < this.layout.extWords(); w++) {
            this.memory.setLong(base + KeventLayout.EXT + 8L * w, 0L);
        }
    }

    /** Sets {@code ext[word]} of entry {@code i}; the layout must have that word (FreeBSD, §1.1). */
    void setExt(int i, int word, long value) {
        if (word < 0 || word >= this.layout.extWords()) {
            throw new IndexOutOfBoundsException("ext[" + word + "] on a layout with " + this.layout.extWords() + " ext words");
        }
        this.memory.setLong(offset(i) + KeventLayout.EXT + 8L * word, value);
    }

    long ext(int i, int word) {
        if (word < 0 || word >= this.layout.extWords()) {
            throw new IndexOutOfBoundsException("ext[" + word + "] on a layout with " + this.layout.extWords() + " ext words");
        }
        return this.memory.getLong(offset(i) + KeventLayout.EXT + 8L * word);
    }

    /** Copies entry {@code from} over entry {@code to}. */
    void move(int from, int to) {
        int size = this.layout.size();
        long src = offset(from);
        long dst = offset(to);
        for (int b = 0; b < size; b += 8) {
            this.memory.setLong(dst + b, this.memory.getLong(src + b));
        }
    }

    long ident(int i) {
        return this.memory.getLong(offset(i) + KeventLayout.IDENT);
    }

    short filter(int i) {
        return this.memory.getShort(offset(i) + KeventLayout.FILTER);
    }

    /** The flags as an unsigned 16-bit value. */
    int flags(int i) {
        return this.memory.getShort(offset(i) + KeventLayout.FLAGS) & 0xFFFF;
    }

    int fflags(int i) {
        return this.memory.getInt(offset(i) + KeventLayout.FFLAGS);
    }

    long data(int i) {
        return this.memory.getLong(offset(i) + KeventLayout.DATA);
    }

    long udata(int i) {
        return this.memory.getLong(offset(i) + KeventLayout.UDATA);
    }

    /**
     * Doubles the capacity, keeping the first {@code used} entries. The old block is freed.
     */
    void grow(int used) {
        int newCapacity = Math.multiplyExact(this.capacity, 2);
        Memory bigger = new Memory((long) newCapacity * this.layout.size());
        bigger.clear();
        int bytes = used * this.layout.size();
        bigger.write(0, this.memory.getByteArray(0, bytes), 0, bytes);
        this.memory.close();
        this.memory = bigger;
        this.capacity = newCapacity;
    }

    private long offset(int i) {
        return (long) i * this.layout.size();
    }

    @Override
    public void close() {
        this.memory.close();
    }

}
