package dev.kqlisten.server;

/**
 * {@link ServerConfig#reservedDescriptors()} is not less than the process's descriptor limit,
 * so no descriptor would be left for the server's connections. Thrown by
 * {@link KqlistenServer#start()} before anything is bound.
 */
public class DescriptorReserveTooLargeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int reserved;

    private final long limit;

    public DescriptorReserveTooLargeException(int reserved, long limit) {
        super("Reserving " + reserved + " descriptors leaves none for connections: the descriptor limit "
                + "(RLIMIT_NOFILE) is " + limit);
        this.reserved = reserved;
        this.limit = limit;
    }

    public int getReserved() {
        return this.reserved;
    }

    /** The soft {@code RLIMIT_NOFILE} of the process. */
    public long getLimit() {
        return this.limit;
    }

}
