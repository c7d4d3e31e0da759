package dev.kqlisten.nativeio;

/**
 * The requested backend cannot run here: unsupported OS or architecture, a missing library, or
 * a backend this OS lacks. Carries what was detected so a failure analyzer can explain it.
 */
public class NativeTransportUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Human-readable list of what is supported, for messages. */
    public static final String SUPPORTED = "FreeBSD 12+ (amd64, aarch64), macOS (x86_64, arm64), OpenBSD (amd64), "
            + "DragonFly BSD (x86_64) with kqueue; Linux (x86_64, aarch64) with epoll, or with kqueue through a "
            + "kqueue-compatible library";

    private final Backend backend;

    private final String os;

    private final String arch;

    public NativeTransportUnavailableException(Backend backend, String os, String arch, String reason,
            Throwable cause) {
        super(reason, cause);
        this.backend = backend;
        this.os = os;
        this.arch = arch;
    }

    /** The backend that was asked for. */
    public Backend backend() {
        return this.backend;
    }

    /** {@code os.name} as detected. */
    public String os() {
        return this.os;
    }

    /** {@code os.arch} as detected. */
    public String arch() {
        return this.arch;
    }

}
