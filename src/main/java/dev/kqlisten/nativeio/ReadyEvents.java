package dev.kqlisten.nativeio;

/**
 * Ready events from one wait call, as parallel primitive arrays; filled by
 * {@link Multiplexer#await(ReadyEvents, long)} and walked by index. Owned and reused by one
 * poller thread: nothing is allocated per event.
 * <p>
 * One id may appear twice in one fill: kqueue reports its read and write filters as separate
 * entries (one {@link #READABLE}, one {@link #WRITABLE}), while epoll reports both in the flags of
 * one entry. A consumer must therefore handle each flag on its own, whichever entry carries it.
 */
public final class ReadyEvents {

    /** The registration is readable: data, a pending connection, or EOF/error to collect. */
    public static final int READABLE = 1;

    /** The peer shut down its write side (kqueue {@code EV_EOF}, epoll {@code EPOLLRDHUP}/{@code EPOLLHUP}). */
    public static final int EOF = 1 << 1;

    /**
     * An error is pending: a failed registration (kqueue {@code EV_ERROR}, errno in
     * {@link #error(int)}) or a socket error (kqueue {@code EV_EOF} with a non-zero
     * {@code fflags}, errno in {@link #error(int)}; epoll {@code EPOLLERR}, whose event carries no
     * errno: {@link #error(int)} is 0 and the error waits on the socket for
     * {@link Sockets#pendingError(int)}).
     */
    public static final int ERROR = 1 << 2;

    /**
     * The send buffer has room: reported only while write interest is on
     * ({@link Multiplexer#setWritable}). kqueue {@code EVFILT_WRITE}, with the free space in
     * {@link #available(int)}; epoll {@code EPOLLOUT}.
     */
    public static final int WRITABLE = 1 << 3;

    private final long[] ids;

    private final int[] flags;

    private final long[] available;

    private final int[] errors;

    private int size;

    public ReadyEvents(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.ids = new long[capacity];
        this.flags = new int[capacity];
        this.available = new long[capacity];
        this.errors = new int[capacity];
    }

    public int capacity() {
        return this.ids.length;
    }

    public int size() {
        return this.size;
    }

    /** The id the registration was made with ({@code udata} / {@code data.u64}). */
    public long id(int i) {
        return this.ids[i];
    }

    /** Bitmask of {@link #READABLE}, {@link #EOF}, {@link #ERROR}, {@link #WRITABLE}. */
    public int flags(int i) {
        return this.flags[i];
    }

    public boolean isEof(int i) {
        return (this.flags[i] & EOF) != 0;
    }

    public boolean isError(int i) {
        return (this.flags[i] & ERROR) != 0;
    }

    public boolean isWritable(int i) {
        return (this.flags[i] & WRITABLE) != 0;
    }

    /**
     * kqueue's {@code data}: bytes readable on a connection, completed connections waiting on a
     * listener, or, for a {@link #WRITABLE} entry, free space in the send buffer; -1 where the
     * backend does not know (epoll).
     */
    public long available(int i) {
        return this.available[i];
    }

    /**
     * Raw errno of a pending error; 0 if none, or if the backend left it on the socket (see
     * {@link #ERROR}). Decode with {@link Sockets#errno(int)}.
     */
    public int error(int i) {
        return this.errors[i];
    }

    /** Starts a new fill. For multiplexers. */
    public void clear() {
        this.size = 0;
    }

    /**
     * Appends one event; returns false (and appends nothing) when full. For multiplexers.
     */
    public boolean add(long id, int flags, long available, int error) {
        int i = this.size;
        if (i == this.ids.length) {
            return false;
        }
        this.ids[i] = id;
        this.flags[i] = flags;
        this.available[i] = available;
        this.errors[i] = error;
        this.size = i + 1;
        return true;
    }

}
