package dev.kqlisten.nativeio.unix;

/**
 * The socket, fcntl and errno numbers of one OS. Every value comes from
 * {@code docs/native-abi.md}; instances live in {@code LinuxConstants} and
 * {@code BsdConstants}, each value annotated with its section there.
 *
 * @param os display name, for messages
 * @param sockaddrHasLength whether {@code sockaddr_in}/{@code sockaddr_in6} start with a
 * {@code sin_len} byte and a one-byte family (BSD, §4.1) rather than a two-byte family (Linux)
 * @param afInet6 {@code AF_INET6} (§4)
 * @param sockNonblock {@code SOCK_NONBLOCK}, 0 where the OS has none (macOS, §4)
 * @param sockCloexec {@code SOCK_CLOEXEC}, 0 where the OS has none (macOS, §4)
 * @param solSocket {@code SOL_SOCKET} (§4)
 * @param soReuseaddr {@code SO_REUSEADDR} (§4)
 * @param soReuseport {@code SO_REUSEPORT} (§4)
 * @param soReuseportBalanced the option under which the kernel spreads new connections over
 * every listening socket bound to one address and port: {@code SO_REUSEPORT} on Linux,
 * {@code SO_REUSEPORT_LB} on FreeBSD 12+; 0 where the OS has none or it is not verified to
 * balance (macOS, OpenBSD, DragonFly; §4)
 * @param soError {@code SO_ERROR} (§4)
 * @param soNosigpipe {@code SO_NOSIGPIPE}, 0 where the OS has none (Linux, OpenBSD, §4.4)
 * @param msgNosignal {@code MSG_NOSIGNAL} as {@code send(2)} takes it; 0 where kqlisten does not
 * pass it (macOS, whose first release honouring it is not verified, §4.4): there the socket
 * is written with {@code write(2)}, which {@code SO_NOSIGPIPE} covers
 * @param ipv6V6only {@code IPV6_V6ONLY} (§4)
 * @param oNonblock {@code O_NONBLOCK} (§4.2)
 * @param errnos the errno numbering (§4.3)
 */
public record SocketAbi(String os, boolean sockaddrHasLength, int afInet6, int sockNonblock, int sockCloexec,
        int solSocket, int soReuseaddr, int soReuseport, int soReuseportBalanced, int soError, int soNosigpipe, int msgNosignal, int ipv6V6only,
        int oNonblock, ErrnoTable errnos) {

    /** {@code AF_INET}: 2 on every supported OS (§4). */
    public static final int AF_INET = 2;

    /** {@code SOCK_STREAM}: 1 on every supported OS (§4). */
    public static final int SOCK_STREAM = 1;

    /** {@code IPPROTO_IPV6}: 41 on every supported OS (§4). */
    public static final int IPPROTO_IPV6 = 41;

    /** {@code F_SETFD} / {@code F_GETFL} / {@code F_SETFL}: the same on every supported OS (§4.2). */
    public static final int F_SETFD = 2;

    public static final int F_GETFL = 3;

    public static final int F_SETFL = 4;

    /** {@code FD_CLOEXEC}: 1 on every supported OS (§4.2). */
    public static final int FD_CLOEXEC = 1;

    /** {@code SHUT_WR}, the {@code how} of {@code shutdown(2)}: 1 on every supported OS (§4, §4.4). */
    public static final int SHUT_WR = 1;

    /** Whether the kernel spreads accepted connections over sockets sharing a port (§4). */
    public boolean balancesReusePort() {
        return this.soReuseportBalanced != 0;
    }

    /** Whether {@code socket()} and {@code accept4()} take {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC}. */
    public boolean hasSocketTypeFlags() {
        return this.sockNonblock != 0;
    }

}
