package dev.kqlisten.nativeio.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;

import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.unix.Accept4Libc;
import dev.kqlisten.nativeio.unix.PosixLibc;
import dev.kqlisten.nativeio.unix.PosixSockets;
import dev.kqlisten.nativeio.unix.SocketAbi;

/**
 * {@link dev.kqlisten.nativeio.Sockets} on Linux: {@code SOCK_NONBLOCK|SOCK_CLOEXEC} in
 * {@code socket()} and {@code accept4()}, so no fcntl is ever needed.
 */
public final class LinuxSockets extends PosixSockets {

    private final int typeFlags;

    public LinuxSockets(int readBufferSize) {
        super(LinuxConstants.SOCKETS, readBufferSize);
        this.typeFlags = this.abi.sockNonblock() | this.abi.sockCloexec();
    }

    @Override
    protected int openSocket(int family) throws NativeIoException {
        int fd = PosixLibc.socket(family, SocketAbi.SOCK_STREAM | this.typeFlags, 0);
        check(fd, "socket");
        return fd;
    }

    @Override
    protected int acceptSocket(int listenFd, Memory address, Memory length) {
        int fd = Accept4Libc.accept4(listenFd, address, length, this.typeFlags);
        return (fd >= 0) ? fd : -Native.getLastError();
    }

}
