package dev.kqlisten.nativeio;

/**
 * The {@code struct kevent} layout and kqueue constant table a kqueue library speaks.
 * <p>
 * On a BSD this is the host OS and is detected. On Linux, where kqueue only exists as a
 * compatibility library, it must be named, because nothing at run time tells which ABI such a
 * library was built for.
 */
public enum KqueueAbi {

    /** FreeBSD 12 and later: 64-byte {@code struct kevent} with {@code ext[4]}. */
    FREEBSD,

    /** macOS (x86_64 and arm64): 32-byte {@code struct kevent}. */
    DARWIN,

    /** OpenBSD: 32-byte {@code struct kevent}. */
    OPENBSD,

    /** DragonFly BSD: 32-byte {@code struct kevent}. */
    DRAGONFLY

}
