package dev.kqlisten.nativeio.linux;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

import dev.kqlisten.nativeio.unix.PosixLibc;

/**
 * Direct-mapped Linux-only calls: epoll(7) and eventfd(2). The socket calls are in
 * {@link PosixLibc} and {@link dev.kqlisten.nativeio.unix.Accept4Libc}. Each returns -1 and
 * leaves errno in {@link Native#getLastError()} on failure.
 */
final class LinuxLibc {

    static {
        Native.register(LinuxLibc.class, PosixLibc.libc());
    }

    private LinuxLibc() {
    }

    // -- Native methods --

    static native int epoll_create1(int flags);

    static native int epoll_ctl(int epfd, int op, int fd, Pointer event);

    static native int epoll_wait(int epfd, Pointer events, int maxEvents, int timeoutMillis);

    static native int eventfd(int initialValue, int flags);

}
