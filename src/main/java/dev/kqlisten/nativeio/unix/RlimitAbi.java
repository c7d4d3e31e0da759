package dev.kqlisten.nativeio.unix;

/**
 * The numbers {@code getrlimit(RLIMIT_NOFILE, struct rlimit *)} needs on one OS
 * (docs/native-abi.md §12). {@code struct rlimit} is two 64-bit {@code rlim_t} values,
 * {@code rlim_cur} at 0 and {@code rlim_max} at 8, 16 bytes, on every supported OS and architecture.
 * Instances live in {@code LinuxConstants} and {@code BsdConstants}.
 *
 * @param rlimitNofile {@code RLIMIT_NOFILE}: 7 on Linux, 8 on the BSDs and macOS
 * @param rlimInfinity {@code RLIM_INFINITY} as a Java long: -1 (2^64−1) on Linux,
 * {@link Long#MAX_VALUE} (2^63−1) on the BSDs and macOS
 */
public record RlimitAbi(int rlimitNofile, long rlimInfinity) {

    /** {@code sizeof(struct rlimit)}. */
    public static final int RLIMIT_SIZE = 16;

    /** Offset of {@code rlim_cur}, the soft limit. */
    public static final int RLIM_CUR = 0;

    /** Offset of {@code rlim_max}, the hard limit. */
    public static final int RLIM_MAX = 8;

}
