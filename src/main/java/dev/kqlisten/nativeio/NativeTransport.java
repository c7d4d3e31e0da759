package dev.kqlisten.nativeio;

/**
 * A readiness queue and the socket calls of one host, as one poller uses them.
 *
 * @param multiplexer the kqueue or epoll instance
 * @param sockets the socket calls of the host OS
 */
public record NativeTransport(Multiplexer multiplexer, Sockets sockets) implements AutoCloseable {

    @Override
    public void close() {
        try {
            this.multiplexer.close();
        }
        finally {
            this.sockets.close();
        }
    }

}
