package dev.kqlisten.nativeio.linux;

import dev.kqlisten.nativeio.unix.ErrnoTable;
import dev.kqlisten.nativeio.unix.RlimitAbi;
import dev.kqlisten.nativeio.unix.SocketAbi;

/**
 * Linux (x86_64 and aarch64) values. Section numbers refer to
 * {@code docs/native-abi.md}; Linux values there come from golang/sys
 * {@code zerrors_linux*.go} and the kernel uapi headers, identical on both architectures.
 */
public final class LinuxConstants {

    /**
     * §4.3, Linux column, in {@link dev.kqlisten.nativeio.Errno} order, then EACCES 13 (§12;
     * {@code asm-generic/errno-base.h}).
     */
    static final ErrnoTable ERRNOS = new ErrnoTable(2, 4, 9, 22, 23, 24, 32, 11, 115, 114, 88, 95, 98, 99, 101, 103,
            104, 105, 106, 107, 110, 111, 113, 38, 13);

    /** §4 and §4.2, Linux column: two-byte {@code sa_family_t}, no {@code sin_len} (§4.1). */
    public static final SocketAbi SOCKETS = new SocketAbi("Linux", false,
            10, // AF_INET6
            0x800, // SOCK_NONBLOCK
            0x80000, // SOCK_CLOEXEC
            1, // SOL_SOCKET
            2, // SO_REUSEADDR
            15, // SO_REUSEPORT
            15, // SO_REUSEPORT balances: connections are hashed by 4-tuple over the group (§4)
            4, // SO_ERROR
            0, // SO_NOSIGPIPE: none (§4.4)
            0x4000, // MSG_NOSIGNAL (§4.4)
            26, // IPV6_V6ONLY
            0x800, // O_NONBLOCK
            ERRNOS);

    /** §12: RLIMIT_NOFILE 7, RLIM_INFINITY {@code ~0UL} (2^64−1, -1 as a Java long). */
    public static final RlimitAbi RLIMITS = new RlimitAbi(7, -1L);

    // -- epoll(7) and eventfd(2), §5.2 --

    static final int EPOLLIN = 0x001;

    static final int EPOLLOUT = 0x004;

    static final int EPOLLERR = 0x008;

    static final int EPOLLHUP = 0x010;

    static final int EPOLLRDHUP = 0x2000;

    /** 1 << 31: negative as a Java int. */
    static final int EPOLLET = 0x80000000;

    static final int EPOLL_CTL_ADD = 1;

    static final int EPOLL_CTL_DEL = 2;

    static final int EPOLL_CTL_MOD = 3;

    static final int EPOLL_CLOEXEC = 0x80000;

    static final int EFD_CLOEXEC = 0x80000;

    static final int EFD_NONBLOCK = 0x800;

    private LinuxConstants() {
    }

}
