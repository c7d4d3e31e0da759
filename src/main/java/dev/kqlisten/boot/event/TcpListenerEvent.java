package dev.kqlisten.boot.event;

import java.net.InetSocketAddress;

/**
 * Base of the events of one listening socket. Published on the thread that starts or stops the
 * application context.
 */
public abstract class TcpListenerEvent extends TcpEvent {

    private static final long serialVersionUID = 1L;

    private final InetSocketAddress address;

    private final String backend;

    protected TcpListenerEvent(Object source, String listenerName, InetSocketAddress address, String backend) {
        super(source, listenerName);
        this.address = address;
        this.backend = backend;
    }

    /** The address actually bound, with the real port. */
    public InetSocketAddress getAddress() {
        return this.address;
    }

    /** The real port, also when 0 was configured. */
    public int getPort() {
        return this.address.getPort();
    }

    /** The readiness API in use: {@code kqueue} or {@code epoll}. */
    public String getBackend() {
        return this.backend;
    }

}
