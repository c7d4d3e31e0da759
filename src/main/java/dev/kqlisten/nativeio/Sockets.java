package dev.kqlisten.nativeio;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * The socket calls of the seam: listen, accept, read, close, and the errno table of the host OS.
 * <p>
 * Per-instance buffers (the accept address and the read buffer) make an instance single-threaded:
 * it is created and used by one poller, with {@link #openListener} called on the starting thread
 * before the poller thread runs.
 */
public interface Sockets extends AutoCloseable {

    /** Returned by {@link #accept} and {@link #read} when the call would block (EAGAIN). */
    int AGAIN = -1;

    /** Returned by {@link #accept} and {@link #read} on another failure; see {@link #lastErrno()}. */
    int FAILED = -2;

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
     * @return the new descriptor, {@link #AGAIN} or {@link #FAILED}
     */
    int accept(int listenFd);

    /** The peer address of the last successful {@link #accept}. */
    InetSocketAddress acceptedPeer();

    /**
     * Reads at most {@code maxBytes} into {@link #readBuffer()} at position 0.
     *
     * @return bytes read (&gt; 0), 0 at end of stream, {@link #AGAIN} or {@link #FAILED}
     */
    int read(int fd, int maxBytes);

    /** The native buffer {@link #read} fills; its capacity is the largest read allowed. */
    ByteBuffer readBuffer();

    /** close(2); returns 0 or {@link #FAILED}. */
    int close(int fd);

    /** The errno of the last call that returned {@link #FAILED}. */
    int lastErrno();

    /** The OS-neutral name of an errno value of this OS. */
    Errno errno(int errno);

    /** Frees native buffers. Descriptors are the caller's to close. */
    @Override
    void close();

}
