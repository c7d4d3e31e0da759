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
    public KqueueAbi nativeKqueueAbi() {
        return switch (this) {
            case FREEBSD -> KqueueAbi.FREEBSD;
            case DARWIN -> KqueueAbi.DARWIN;
            case OPENBSD -> KqueueAbi.OPENBSD;
            case DRAGONFLY -> KqueueAbi.DRAGONFLY;
            case LINUX -> null;
        };
    }

}
