package dev.kqlisten.server;

/**
 * {@link ServerConfig#reservedDescriptors()} is not less than the process's descriptor limit,
 * so no descriptor would be left for the server's connections. Thrown by
 * {@link KqlistenServer#start()} before anything is bound.
 */
public class DescriptorReserveException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int reserved;

    private final long limit;

    public DescriptorReserveException(int reserved, long limit) {
        super("Reserving " + reserved + " descriptors (kqlisten.reserved-descriptors) leaves none for connections: "
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
