package dev.kqlisten.nativeio;

/**
 * The {@code struct kevent} layout and kqueue constant table a kqueue library speaks
 * (docs/native-abi.md, "kqueue ABIs").
 * <p>
 * On a BSD this is the host OS and is detected. On Linux, where kqueue only exists as a
 * user-space library, it must be named, because nothing in a library's symbols tells which ABI
 * it was built for. Whichever it is, the backend proves it on a scratch kqueue before it binds
 * anything ({@code KeventAbiCheck}).
 */
public enum KQueueAbi {

    /** FreeBSD 12 and later: 64-byte {@code struct kevent} with {@code ext[4]}. */
    FREEBSD("freebsd"),

    /** macOS (x86_64 and arm64): 32-byte {@code struct kevent}. */
    DARWIN("darwin"),

    /** OpenBSD: 32-byte {@code struct kevent}. */
    OPENBSD("openbsd"),

    /** DragonFly BSD: 32-byte {@code struct kevent}. */
    DRAGONFLY("dragonfly"),

    /**
     * libkqueue 2.x, the user-space kqueue for Linux: 32-byte {@code struct kevent} with
     * FreeBSD's filter numbers, and registrations that outlive {@code close(2)}.
     */
    LIBKQUEUE("libkqueue");

    private final String propertyValue;

    KQueueAbi(String propertyValue) {
        this.propertyValue = propertyValue;
    }

    /** The value of {@code kqlisten.kqueue.layout} that selects this ABI. */
    public String propertyValue() {
        return this.propertyValue;
    }

}
