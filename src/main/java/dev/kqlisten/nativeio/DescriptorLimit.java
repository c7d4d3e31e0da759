package dev.kqlisten.nativeio;

/**
 * The process's descriptor limit, {@code RLIMIT_NOFILE}, as {@code getrlimit(2)} reports it.
 * {@code accept} fails with EMFILE once the process holds {@link #soft()} descriptors.
 *
 * @param soft the soft limit (the one enforced), or {@link #UNLIMITED}
 * @param hard the hard limit (the most the soft limit may be raised to), or {@link #UNLIMITED}
 */
public record DescriptorLimit(long soft, long hard) {

    /** {@code RLIM_INFINITY}, whatever its value on the host (docs/native-abi.md §12). */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** No limit known or none set. */
    public static final DescriptorLimit NONE = new DescriptorLimit(UNLIMITED, UNLIMITED);

    public DescriptorLimit {
        if (soft < 0 || hard < 0) {
            throw new IllegalArgumentException("limits must not be negative: " + soft + "/" + hard);
        }
    }

    /**
     * Decodes the two {@code rlim_t} values of a {@code struct rlimit}. Both are unsigned 64-bit:
     * {@code rlimInfinity} (2^63−1 on the BSDs, 2^64−1, that is -1 as a Java long, on Linux) and
     * any value beyond {@link Long#MAX_VALUE} mean no limit.
     */
    public static DescriptorLimit decode(long rawSoft, long rawHard, long rlimInfinity) {
        return new DescriptorLimit(decode(rawSoft, rlimInfinity), decode(rawHard, rlimInfinity));
    }

    private static long decode(long raw, long rlimInfinity) {
        return (raw == rlimInfinity || raw < 0) ? UNLIMITED : raw;
    }

    /** Whether the soft limit is {@code RLIM_INFINITY}. */
    public boolean isUnlimited() {
        return this.soft == UNLIMITED;
    }

    @Override
    public String toString() {
        return (isUnlimited() ? "unlimited" : Long.toString(this.soft)) + " (hard "
                + ((this.hard == UNLIMITED) ? "unlimited" : Long.toString(this.hard)) + ")";
    }

}
