package dev.kqlisten.nativeio;

import java.util.Locale;

/**
 * The detected OS and architecture. Detection happens once; an OS or architecture without
 * constant tables (NetBSD, 32-bit, anything unknown) is refused here with a message that
 * names what was seen and what is supported.
 *
 * @param os the OS family
 * @param osName {@code os.name} as reported
 * @param arch {@code os.arch} as reported
 */
public record HostPlatform(HostOs os, String osName, String arch) {

    private static final HostPlatform CURRENT_OR_NULL = detectOrNull();

    /** The platform this JVM runs on. */
    public static HostPlatform current() {
        if (CURRENT_OR_NULL == null) {
            return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        }
        return CURRENT_OR_NULL;
    }

    private static HostPlatform detectOrNull() {
        try {
            return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        }
        catch (NativeTransportUnavailableException ex) {
            return null;
        }
    }

    /**
     * Classifies an {@code os.name}/{@code os.arch} pair.
     *
     * @throws NativeTransportUnavailableException if either is unsupported
     */
    public static HostPlatform of(String osName, String arch) {
        HostOs os = osOf(osName);
        if (os == null) {
            throw new NativeTransportUnavailableException(Backend.AUTO, osName, arch,
                    "Unsupported operating system '" + osName + "' (" + arch + ")", null);
        }
        if (!isSupportedArch(os, arch)) {
            throw new NativeTransportUnavailableException(Backend.AUTO, osName, arch,
                    "Unsupported architecture '" + arch + "' on " + os.displayName() + " (only 64-bit "
                            + supportedArchs(os) + " is supported)",
                    null);
        }
        return new HostPlatform(os, osName, arch);
    }

    private static HostOs osOf(String osName) {
        String name = osName.toLowerCase(Locale.ROOT);
        if (name.startsWith("linux")) {
            return HostOs.LINUX;
        }
        if (name.startsWith("freebsd")) {
            return HostOs.FREEBSD;
        }
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return HostOs.DARWIN;
        }
        if (name.startsWith("openbsd")) {
            return HostOs.OPENBSD;
        }
        if (name.startsWith("dragonfly")) {
            return HostOs.DRAGONFLY;
        }
        return null;
    }

    private static boolean isSupportedArch(HostOs os, String arch) {
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        return switch (os) {
            case LINUX, FREEBSD, DARWIN -> x64 || arm64;
            case OPENBSD, DRAGONFLY -> x64;
        };
    }

    private static String supportedArchs(HostOs os) {
        return switch (os) {
            case LINUX, FREEBSD, DARWIN -> "x86_64/amd64 or aarch64/arm64";
            case OPENBSD, DRAGONFLY -> "x86_64/amd64";
        };
    }

}
