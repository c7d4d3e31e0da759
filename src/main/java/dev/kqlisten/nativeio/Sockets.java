package dev.kqlisten.nativeio;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The socket calls of the seam: listen, accept, read, write, shutdown, close, and the errno table
 * of the host OS.
 * <p>
 * Each call returns everything it produced: a count or descriptor, {@link #AGAIN}, or a failure
 * as the negated errno of this OS ({@code -result} is the errno; {@link #errno(int)} names it).
 * Nothing is left behind for a later call to read.
 * <p>
 * Per-instance buffers (the accept address, the read buffer, the last write buffer's address) make
 * an instance single-threaded: it is created and used by one poller, with {@link #openListener}
 * called on the starting thread before the poller thread runs.
 */
public interface Sockets extends AutoCloseable {

    /**
     * Returned by {@link #accept}, {@link #read} and {@link #write} when the call would block
     * (EAGAIN). Every other failure is returned as the negated errno, which this value cannot be.
     */
    int AGAIN = Integer.MIN_VALUE;

    /**
     * Creates a non-blocking, close-on-exec TCP socket, sets the options of {@code spec}, binds
     * and listens, synchronously.
     *
     * @return the listening descriptor
     * @throws NativeIoException naming the failing call; an address in use has kind
     * {@link Errno#EADDRINUSE}
     */
    int openListener(ListenSpec spec) throws NativeIoException;

    /**
     * Whether this OS spreads new connections over listening sockets bound to one address and
     * port with {@link ListenSpec#balanced()}: Linux ({@code SO_REUSEPORT}) and FreeBSD 12+
     * ({@code SO_REUSEPORT_LB}) do; where this is false, {@link #openListener} refuses a balanced
     * spec, and one poller accepts for all (docs/native-abi.md §4).
     */
    default boolean balancesAccepts() {
        return false;
    }

    /** getsockname(2) as an address. */
    InetSocketAddress localAddress(int fd) throws NativeIoException;

    /**
     * Accepts one pending connection as a non-blocking, close-on-exec socket.
     *
     * @param peer filled with the descriptor and the peer's address on success, emptied otherwise
     * @return the new descriptor, {@link #AGAIN} or the negated errno
     */
    int accept(int listenFd, AcceptedPeer peer);

    /**
     * Reads at most {@code maxBytes} into {@link #readBuffer()} at position 0.
     *
     * @return bytes read (&gt; 0), 0 at end of stream, {@link #AGAIN} or the negated errno
     */
    int read(int fd, int maxBytes);

    /**
     * Writes at most {@code length} bytes from {@code src}, starting at the absolute index
     * {@code offset} (the buffer's position and limit are neither read nor changed), to a
     * connected socket. Never raises {@code SIGPIPE}: Linux, FreeBSD, OpenBSD and DragonFly pass
     * {@code MSG_NOSIGNAL} to {@code send(2)}; macOS writes with {@code write(2)} on a socket that
     * has {@code SO_NOSIGPIPE} (set on every accepted socket, docs/native-abi.md §4.4). A peer that
     * has gone therefore makes the call return {@code -EPIPE} or {@code -ECONNRESET}.
     * <p>
     * Allocation-free as long as consecutive calls write from the same buffer: the buffer's native
     * address is looked up when it differs from the previous call's.
     *
     * @param src a direct buffer
     * @return bytes written (&gt; 0; 0 only when {@code length} is 0), {@link #AGAIN} when the send
     * buffer is full, or the negated errno
     * @throws IllegalArgumentException if {@code src} is not direct
     * @throws IndexOutOfBoundsException if {@code offset} and {@code length} do not fit its capacity
     */
    int write(int fd, ByteBuffer src, int offset, int length);

    /**
     * {@code shutdown(fd, SHUT_WR)}: sends FIN once queued bytes are out; the peer reads end of
     * stream and may still send to us.
     *
     * @return 0 or the negated errno
     */
    int shutdownOutput(int fd);

    /**
     * The error pending on a socket, read and cleared with {@code getsockopt(SO_ERROR)}: for an
     * {@link ReadyEvents#ERROR} event whose backend does not carry the errno (epoll).
     *
     * @return the pending errno, 0 if none; if getsockopt itself fails, its errno
     */
    int pendingError(int fd);

    /** The native buffer {@link #read} fills; its capacity is the largest read allowed. */
    ByteBuffer readBuffer();

    /** close(2); returns 0 or the negated errno. */
    int close(int fd);

    /** The OS-neutral name of an errno value of this OS. */
    Errno errno(int errno);

    /** Frees native buffers. Descriptors are the caller's to close. */
    @Override
    void close();

}
