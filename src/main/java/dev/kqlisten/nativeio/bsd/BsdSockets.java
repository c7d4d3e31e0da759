package dev.kqlisten.nativeio.bsd;

import com.sun.jna.Memory;
import com.sun.jna.Native;

import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.unix.PosixLibc;
import dev.kqlisten.nativeio.unix.PosixSockets;
import dev.kqlisten.nativeio.unix.SocketAbi;

/**
 * {@link dev.kqlisten.nativeio.Sockets} on FreeBSD, macOS, OpenBSD and DragonFly.
 * <p>
 * FreeBSD, OpenBSD and DragonFly take {@code SOCK_NONBLOCK|SOCK_CLOEXEC} in {@code socket()} and
 * {@code accept4()} (their own values, docs/native-abi.md §4). macOS has neither: the listener gets
 * {@code O_NONBLOCK} and {@code FD_CLOEXEC} through fcntl; accepted sockets inherit
 * {@code O_NONBLOCK} from the listener (XNU {@code uipc_syscalls.c}, §4.4) and get
 * {@code FD_CLOEXEC} with one fcntl. Where the OS has {@code SO_NOSIGPIPE}, every accepted socket
 * gets it (inherited on macOS, not verified on the others, §4.4); on macOS it is what keeps
 * {@link #write} from raising SIGPIPE, the others also pass {@code MSG_NOSIGNAL}.
 */
public final class BsdSockets extends PosixSockets {

    public BsdSockets(SocketAbi abi, int readBufferSize) {
        super(abi, readBufferSize);
    }

    @Override
    protected int openSocket(int family) throws NativeIoException {
        int fd = super.openSocket(family);
        if (this.abi.hasSocketTypeFlags()) {
            return fd;
        }
        try {
            int flags = BsdVariadic.INSTANCE.fcntl(fd, SocketAbi.F_GETFL);
            check(flags, "fcntl");
            check(BsdVariadic.INSTANCE.fcntl(fd, SocketAbi.F_SETFL, flags | this.abi.oNonblock()), "fcntl");
            check(BsdVariadic.INSTANCE.fcntl(fd, SocketAbi.F_SETFD, SocketAbi.FD_CLOEXEC), "fcntl");
            return fd;
        }
        catch (NativeIoException ex) {
            PosixLibc.close(fd);
            throw ex;
        }
    }

    @Override
    protected int acceptSocket(int listenFd, Memory address, Memory length) {
        int fd;
        if (this.abi.hasSocketTypeFlags()) {
            fd = super.acceptSocket(listenFd, address, length);
            if (fd < 0) {
                return fd;
            }
        }
        else {
            fd = PosixLibc.accept(listenFd, address, length);
            if (fd < 0) {
                return -Native.getLastError();
            }
            if (BsdVariadic.INSTANCE.fcntl(fd, SocketAbi.F_SETFD, SocketAbi.FD_CLOEXEC) < 0) {
                return closeAfterFailure(fd);
            }
        }
        if (this.abi.soNosigpipe() != 0) {
            try {
                setIntOption(fd, this.abi.solSocket(), this.abi.soNosigpipe(), 1);
            }
            catch (NativeIoException ex) {
                PosixLibc.close(fd);
                return -ex.errno();
            }
        }
        return fd;
    }

    private static int closeAfterFailure(int fd) {
        int errno = Native.getLastError();
        PosixLibc.close(fd);
        return -errno;
    }

}
