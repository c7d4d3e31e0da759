package dev.kqlisten.boot.event;

import java.net.InetSocketAddress;

/**
 * A listener is bound and its poller thread runs. Carries the real port, so a configuration
 * with port 0 learns it here (or from {@code local.kqlisten.<name>.port}).
 */
public class TcpListenerStartedEvent extends TcpListenerEvent {

    private static final long serialVersionUID = 1L;

    public TcpListenerStartedEvent(Object source, String listenerName, InetSocketAddress address, String backend) {
        super(source, listenerName, address, backend);
    }

}
