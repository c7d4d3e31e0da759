package dev.kqlisten.nativeio;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The socket calls of the seam: listen, accept, read, close, and the errno table of the host OS.
 * <p>
 * Each call returns everything it produced: a count or descriptor, {@link #AGAIN}, or a failure
 * as the negated errno of this OS ({@code -result} is the errno; {@link #errno(int)} names it).
 * Nothing is left behind for a later call to read.
 * <p>
 * Per-instance buffers (the accept address and the read buffer) make an instance single-threaded:
 * it is created and used by one poller, with {@link #openListener} called on the starting thread
 * before the poller thread runs.
 */
public interface Sockets extends AutoCloseable {

    /**
     * Returned by {@link #accept} and {@link #read} when the call would block (EAGAIN). Every
     * other failure is returned as the negated errno, which this value cannot be.
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
