package dev.kqlisten.boot.event;

import java.net.InetSocketAddress;

import dev.kqlisten.connection.RejectReason;

/**
 * A connection was accepted and closed at once because a limit
 * ({@code kqlisten.listeners[i].max-connections} or {@code max-connections-per-address}) was
 * reached. No other event is published for it. Published on the poller thread.
 */
public class TcpConnectionRejectedEvent extends TcpEvent {

    private static final long serialVersionUID = 1L;

    private final transient InetSocketAddress remoteAddress;

    private final RejectReason reason;

    public TcpConnectionRejectedEvent(String listenerName, InetSocketAddress remoteAddress, RejectReason reason) {
        super(remoteAddress, listenerName);
        this.remoteAddress = remoteAddress;
        this.reason = reason;
    }

    /** The peer that was turned away. */
    public InetSocketAddress getRemoteAddress() {
        return this.remoteAddress;
    }

    /** Which limit was reached. */
    public RejectReason getReason() {
        return this.reason;
    }

}
