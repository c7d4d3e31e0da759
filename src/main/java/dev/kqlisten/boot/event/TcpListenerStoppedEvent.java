package dev.kqlisten.boot.event;

import java.net.InetSocketAddress;

/**
 * A listener stopped: its poller thread ended (or was abandoned after the shutdown timeout)
 * and no further connection events of it follow.
 */
public class TcpListenerStoppedEvent extends TcpListenerEvent {

    private static final long serialVersionUID = 1L;

    public TcpListenerStoppedEvent(Object source, String listenerName, InetSocketAddress address, String backend) {
        super(source, listenerName, address, backend);
    }

}
