package dev.kqlisten.nativeio;

/**
 * Which kernel readiness API drives a poller.
 */
public enum Backend {

    /** kqueue on the BSDs and macOS, epoll on Linux. */
    AUTO,

    /**
     * kqueue(2). Native on FreeBSD, macOS, OpenBSD and DragonFly; on Linux it needs a
     * kqueue-compatible library named by {@link TransportOptions#kqueueLibrary()}.
     */
    KQUEUE,

    /** epoll(7); Linux only. */
    EPOLL

}
