package dev.kqlisten.nativeio.bsd;

import dev.kqlisten.nativeio.HostOs;
import dev.kqlisten.nativeio.unix.ErrnoTable;
import dev.kqlisten.nativeio.unix.RlimitAbi;
import dev.kqlisten.nativeio.unix.SocketAbi;

/**
 * Socket, fcntl and errno values of FreeBSD, macOS, OpenBSD and DragonFly. Section numbers refer
 * to {@code docs/native-abi.md}. All four use a {@code sin_len} byte and a one-byte
 * {@code sa_family_t} (§4, §4.1), and share SOL_SOCKET 0xFFFF, SO_REUSEADDR 0x4, SO_REUSEPORT
 * 0x200, SO_ERROR 0x1007, IPV6_V6ONLY 27, O_NONBLOCK 0x4 (§4, §4.2).
 */
public final class BsdConstants {

    /**
     * §4.3, "FreeBSD, OpenBSD, NetBSD, DragonFly" column, in {@link dev.kqlisten.nativeio.Errno}
     * order, then EACCES 13 (§12).
     */
    static final ErrnoTable BSD_ERRNOS = new ErrnoTable(2, 4, 9, 22, 23, 24, 32, 35, 36, 37, 38, 45, 48, 49, 51, 53,
            54, 55, 56, 57, 60, 61, 65, 78, 13);

    /** §4.3, macOS column: as the BSDs except EOPNOTSUPP = 102 (XNU {@code bsd/sys/errno.h}); EACCES 13 (§12). */
    static final ErrnoTable DARWIN_ERRNOS = new ErrnoTable(2, 4, 9, 22, 23, 24, 32, 35, 36, 37, 38, 102, 48, 49, 51,
            53, 54, 55, 56, 57, 60, 61, 65, 78, 13);

    private static final int SOL_SOCKET = 0xFFFF;

    private static final int SO_REUSEADDR = 0x0004;

    private static final int SO_REUSEPORT = 0x0200;

    /** FreeBSD 12+ only; the other BSDs' SO_REUSEPORT is not verified to balance (§4). */
    private static final int SO_REUSEPORT_LB = 0x00010000;

    private static final int SO_ERROR = 0x1007;

    private static final int IPV6_V6ONLY = 27;

    private static final int O_NONBLOCK = 0x0004;

    /**
     * FreeBSD: AF_INET6 28, SOCK_NONBLOCK 0x20000000, SOCK_CLOEXEC 0x10000000, SO_NOSIGPIPE 0x800,
     * MSG_NOSIGNAL 0x20000, SO_REUSEPORT_LB 0x10000 (§4, §4.4).
     */
    public static final SocketAbi FREEBSD = bsd("FreeBSD", 28, 0x20000000, 0x10000000, 0x0800, 0x20000,
            SO_REUSEPORT_LB, BSD_ERRNOS);

    /**
     * macOS: AF_INET6 30, no SOCK_NONBLOCK/SOCK_CLOEXEC, no accept4, SO_NOSIGPIPE 0x1022 (§4, §4.4).
     * MSG_NOSIGNAL (0x80000) is not passed: the first release honouring it is not verified (§4.4, §10),
     * so sockets are written with write(2), which SO_NOSIGPIPE covers.
     */
    public static final SocketAbi DARWIN = bsd("macOS", 30, 0, 0, 0x1022, 0, 0, DARWIN_ERRNOS);

    /**
     * OpenBSD: AF_INET6 24, SOCK_NONBLOCK 0x4000, SOCK_CLOEXEC 0x8000, no SO_NOSIGPIPE, MSG_NOSIGNAL
     * 0x400 (§4, §4.4).
     */
    public static final SocketAbi OPENBSD = bsd("OpenBSD", 24, 0x4000, 0x8000, 0, 0x400, 0, BSD_ERRNOS);

    /**
     * DragonFly: AF_INET6 28, SOCK_NONBLOCK 0x20000000, SOCK_CLOEXEC 0x10000000, SO_NOSIGPIPE 0x800,
     * MSG_NOSIGNAL 0x400 (§4, §4.4).
     */
    public static final SocketAbi DRAGONFLY = bsd("DragonFly BSD", 28, 0x20000000, 0x10000000, 0x0800, 0x400,
            0, BSD_ERRNOS);

    /**
     * §12: RLIMIT_NOFILE 8 and RLIM_INFINITY 2^63−1 on FreeBSD, macOS, OpenBSD and DragonFly
     * alike.
     */
    public static final RlimitAbi RLIMITS = new RlimitAbi(8, Long.MAX_VALUE);

    private BsdConstants() {
    }

    /** The table of a BSD host. */
    public static SocketAbi forOs(HostOs os) {
        return switch (os) {
            case FREEBSD -> FREEBSD;
            case DARWIN -> DARWIN;
            case OPENBSD -> OPENBSD;
            case DRAGONFLY -> DRAGONFLY;
            case LINUX -> throw new IllegalArgumentException("Linux is not a BSD");
        };
    }

    private static SocketAbi bsd(String os, int afInet6, int sockNonblock, int sockCloexec, int soNosigpipe,
            int msgNosignal, int soReuseportBalanced, ErrnoTable errnos) {
        return new SocketAbi(os, true, afInet6, sockNonblock, sockCloexec, SOL_SOCKET, SO_REUSEADDR, SO_REUSEPORT,
                soReuseportBalanced, SO_ERROR, soNosigpipe, msgNosignal, IPV6_V6ONLY, O_NONBLOCK, errnos);
    }

}
