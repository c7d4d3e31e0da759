package dev.kqlisten.nativeio;

/**
 * The operating systems kqlisten has constant tables for.
 */
public enum HostOs {

    LINUX("Linux"),

    FREEBSD("FreeBSD"),

    DARWIN("macOS"),

    OPENBSD("OpenBSD"),

    DRAGONFLY("DragonFly BSD");

    private final String displayName;

    HostOs(String displayName) {
        this.displayName = displayName;
    }

    public String displayName() {
        return this.displayName;
    }

    /** The kqueue ABI native to this OS, or {@code null} for Linux, which has no kqueue. */
    public KQueueAbi nativeKQueueAbi() {
        return switch (this) {
            case FREEBSD -> KQueueAbi.FREEBSD;
            case DARWIN -> KQueueAbi.DARWIN;
            case OPENBSD -> KQueueAbi.OPENBSD;
            case DRAGONFLY -> KQueueAbi.DRAGONFLY;
            case LINUX -> null;
        };
    }

}
