package dev.kqlisten.boot.diagnostics;

/**
 * {@code kqlisten.reserved-descriptors} is not less than the process's descriptor limit, so no
 * descriptor would be left for kqlisten's connections.
 */
public class DescriptorReserveException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int reserved;

    private final long limit;

    public DescriptorReserveException(int reserved, long limit) {
        super("kqlisten.reserved-descriptors (" + reserved + ") leaves no descriptor for kqlisten's connections: "
                + "the process's descriptor limit (RLIMIT_NOFILE) is " + limit);
        this.reserved = reserved;
        this.limit = limit;
    }

    /** The configured reserve. */
    public int getReserved() {
        return this.reserved;
    }

    /** The soft {@code RLIMIT_NOFILE} of the process. */
    public long getLimit() {
        return this.limit;
    }

}
