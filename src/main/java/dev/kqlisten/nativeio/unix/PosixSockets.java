package dev.kqlisten.nativeio.unix;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import dev.kqlisten.nativeio.AcceptedPeer;
import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.Sockets;

/**
 * {@link Sockets} over {@link PosixLibc}, parameterised by a {@link SocketAbi}. Sockets are made
 * non-blocking and close-on-exec with {@code SOCK_NONBLOCK|SOCK_CLOEXEC} in {@code socket()} and
 * {@code accept4()}, as Linux, FreeBSD, OpenBSD and DragonFly allow; a subclass overrides
 * {@link #openSocket} and {@link #acceptSocket} where the OS lacks them (macOS) or needs more.
 * <p>
 * Threading: the buffers below belong to the one poller thread using this instance
 * ({@link #openListener} and the first {@link #localAddress} run on the starting thread before
 * that thread starts).
 */
public abstract class PosixSockets implements Sockets {

    protected final SocketAbi abi;

    /** {@code SOCK_NONBLOCK|SOCK_CLOEXEC}; 0 where the OS has neither. */
    protected final int typeFlags;

    private final SockaddrCodec codec;

    /** accept's address buffer; copied into the caller's {@link AcceptedPeer} right after the call. */
    private final Memory acceptAddress = new Memory(SockaddrCodec.CAPACITY);

    private final Memory acceptLength = new Memory(4);

    /** One {@code int} for setsockopt values. */
    private final Memory intValue = new Memory(4);

    /**
     * getsockname's address and {@code socklen_t} (a uint32, docs/native-abi.md §4), reused: a wildcard
     * listener asks for the local address of every accepted connection.
     */
    private final Memory nameAddress = new Memory(SockaddrCodec.CAPACITY);

    private final Memory nameLength = new Memory(4);

    /** getsockopt(SO_ERROR)'s value and length. */
    private final Memory soError = new Memory(8);

    private final Pointer soErrorLength = this.soError.share(4);

    private final byte[] nameBytes = new byte[SockaddrCodec.CAPACITY];

    private final Memory readMemory;

    private final ByteBuffer readBuffer;

    private final int readCapacity;

    private final int eagain;

    private final int eintr;

    /** {@link SocketAbi#msgNosignal()}; 0 selects write(2) (macOS, docs/native-abi.md §4.4). */
    private final int msgNosignal;

    /** The buffer the last {@link #write} wrote from, and its native address. */
    private ByteBuffer writeSource;

    private long writeAddress;

    protected PosixSockets(SocketAbi abi, int readBufferSize) {
        this.abi = abi;
        this.typeFlags = abi.sockNonblock() | abi.sockCloexec();
        this.codec = new SockaddrCodec(abi.sockaddrHasLength(), abi.afInet6());
        this.readCapacity = readBufferSize;
        this.readMemory = new Memory(readBufferSize);
        this.readBuffer = this.readMemory.getByteBuffer(0, readBufferSize);
        this.eagain = abi.errnos().number(Errno.EAGAIN);
        this.eintr = abi.errnos().number(Errno.EINTR);
        this.msgNosignal = abi.msgNosignal();
    }

    /**
     * Creates a non-blocking, close-on-exec stream socket.
     *
     * @throws NativeIoException named after the failing call; the socket is closed then
     */
    protected int openSocket(int family) throws NativeIoException {
        int fd = PosixLibc.socket(family, SocketAbi.SOCK_STREAM | this.typeFlags, 0);
        check(fd, "socket");
        return fd;
    }

    /**
     * Accepts one connection as a non-blocking, close-on-exec socket.
     *
     * @return the descriptor, or the negated errno on failure
     */
    protected int acceptSocket(int listenFd, Memory address, Memory length) {
        int fd = Accept4Libc.accept4(listenFd, address, length, this.typeFlags);
        return (fd >= 0) ? fd : -Native.getLastError();
    }

    @Override
    public boolean balancesAccepts() {
        return this.abi.balancesReusePort();
    }

    @Override
    public int openListener(ListenSpec spec) throws NativeIoException {
        if (spec.balanced() && !balancesAccepts()) {
            throw new IllegalArgumentException(this.abi.os() + " does not spread connections over sockets sharing a port");
        }
        boolean v6 = spec.address() instanceof Inet6Address;
        int fd = openSocket(v6 ? this.abi.afInet6() : SocketAbi.AF_INET);
        try {
            if (spec.reuseAddress()) {
                setIntOption(fd, this.abi.solSocket(), this.abi.soReuseaddr(), 1);
            }
            if (spec.reusePort()) {
                setIntOption(fd, this.abi.solSocket(), this.abi.soReuseport(), 1);
            }
            if (spec.balanced()) {
                // Linux: SO_REUSEPORT again; FreeBSD: SO_REUSEPORT_LB (docs/native-abi.md §4).
                setIntOption(fd, this.abi.solSocket(), this.abi.soReuseportBalanced(), 1);
            }
            if (v6) {
                // Set both ways: the default differs between the BSDs and Linux (docs/native-abi.md §10).
                setIntOption(fd, SocketAbi.IPPROTO_IPV6, this.abi.ipv6V6only(), spec.ipv6Only() ? 1 : 0);
            }
            try (Memory address = new Memory(SockaddrCodec.CAPACITY)) {
                int length = this.codec.encode(address, spec.address(), spec.port());
                check(PosixLibc.bind(fd, address, length), "bind");
            }
            check(PosixLibc.listen(fd, spec.effectiveBacklog()), "listen");
            return fd;
        }
        catch (NativeIoException | RuntimeException ex) {
            PosixLibc.close(fd);
            throw ex;
        }
    }

    @Override
    public InetSocketAddress localAddress(int fd) throws NativeIoException {
        this.nameLength.setInt(0, SockaddrCodec.CAPACITY);
        check(PosixLibc.getsockname(fd, this.nameAddress, this.nameLength), "getsockname");
        int length = Math.min(this.nameLength.getInt(0), SockaddrCodec.CAPACITY);
        this.nameAddress.read(0, this.nameBytes, 0, length);
        return this.codec.decode(this.nameBytes, length);
    }

    @Override
    public int accept(int listenFd, AcceptedPeer peer) {
        this.acceptLength.setInt(0, SockaddrCodec.CAPACITY);
        int fd = acceptSocket(listenFd, this.acceptAddress, this.acceptLength);
        if (fd < 0) {
            peer.clear();
            return failure(-fd);
        }
        int length = Math.min(this.acceptLength.getInt(0), SockaddrCodec.CAPACITY);
        this.acceptAddress.read(0, peer.sockaddr(), 0, length);
        peer.filled(fd, length, this.codec);
        return fd;
    }

    /**
     * Reads into {@link #readBuffer()}; on success the buffer's position is 0 and its limit the
     * byte count.
     */
    @Override
    public int read(int fd, int maxBytes) {
        long n = PosixLibc.read(fd, this.readMemory, Math.min(maxBytes, this.readCapacity));
        if (n < 0) {
            return failure(Native.getLastError());
        }
        this.readBuffer.clear().limit((int) n);
        return (int) n;
    }

    /**
     * {@code send(fd, src + offset, length, MSG_NOSIGNAL)}, or {@code write(2)} where the OS's
     * {@code MSG_NOSIGNAL} is not used (docs/native-abi.md §4.4). Retried on EINTR.
     */
    @Override
    public int write(int fd, ByteBuffer src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.capacity());
        if (src != this.writeSource) {
            if (!src.isDirect()) {
                throw new IllegalArgumentException("write needs a direct buffer");
            }
            this.writeAddress = Pointer.nativeValue(Native.getDirectBufferPointer(src));
            this.writeSource = src;
        }
        long address = this.writeAddress + offset;
        long n;
        do {
            n = (this.msgNosignal != 0) ? SocketWriteLibc.send(fd, address, length, this.msgNosignal)
                    : SocketWriteLibc.write(fd, address, length);
        }
        while (n < 0 && Native.getLastError() == this.eintr);
        return (n >= 0) ? (int) n : failure(Native.getLastError());
    }

    @Override
    public int shutdownOutput(int fd) {
        return (SocketWriteLibc.shutdown(fd, SocketAbi.SHUT_WR) == 0) ? 0 : -Native.getLastError();
    }

    @Override
    public int pendingError(int fd) {
        this.soErrorLength.setInt(0, 4);
        if (PosixLibc.getsockopt(fd, this.abi.solSocket(), this.abi.soError(), this.soError, this.soErrorLength) < 0) {
            return Native.getLastError();
        }
        return this.soError.getInt(0);
    }

    @Override
    public ByteBuffer readBuffer() {
        return this.readBuffer;
    }

    /** close(2). Not retried on EINTR: the descriptor is released either way on Linux and the BSDs. */
    @Override
    public int close(int fd) {
        return (PosixLibc.close(fd) == 0) ? 0 : -Native.getLastError();
    }

    @Override
    public Errno errno(int errno) {
        return this.abi.errnos().errno(errno);
    }

    @Override
    public void close() {
        this.acceptAddress.close();
        this.acceptLength.close();
        this.intValue.close();
        this.nameAddress.close();
        this.nameLength.close();
        this.soError.close();
        this.readMemory.close();
        this.writeSource = null;
    }

    protected final void setIntOption(int fd, int level, int name, int value) throws NativeIoException {
        this.intValue.setInt(0, value);
        check(PosixLibc.setsockopt(fd, level, name, this.intValue, 4), "setsockopt");
    }

    /** Throws {@link NativeIoException} named {@code syscall} when {@code result} is negative. */
    protected final void check(int result, String syscall) throws NativeIoException {
        if (result < 0) {
            throw exception(syscall, Native.getLastError());
        }
    }

    protected final NativeIoException exception(String syscall, int errno) {
        return new NativeIoException(syscall, errno, errno(errno));
    }

    /** {@link #AGAIN} for EAGAIN, else the negated errno. */
    private int failure(int errno) {
        return (errno == this.eagain) ? AGAIN : -errno;
    }

}
