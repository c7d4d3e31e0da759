package dev.kqlisten.boot.diagnostics;

import java.net.InetAddress;

import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.server.SocketAddresses;

/**
 * A listener could not be bound or put in the listening state at start-up. Carries which
 * listener and where, for {@code TcpBindFailureAnalyzer}.
 */
public class TcpBindException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String listenerName;

    private final int listenerIndex;

    private final InetAddress address;

    private final int port;

    public TcpBindException(String listenerName, int listenerIndex, InetAddress address, int port,
            NativeIoException cause) {
        this("TCP listener '" + listenerName + "' failed to bind " + SocketAddresses.format(address, port) + ": "
                + cause.getMessage(), listenerName, listenerIndex, address, port, cause);
    }

    protected TcpBindException(String message, String listenerName, int listenerIndex, InetAddress address, int port,
            NativeIoException cause) {
        super(message, cause);
        this.listenerName = listenerName;
        this.listenerIndex = listenerIndex;
        this.address = address;
        this.port = port;
    }

    public String getListenerName() {
        return this.listenerName;
    }

    /** The position of the listener in {@code kqlisten.listeners}; the default listener is 0. */
    public int getListenerIndex() {
        return this.listenerIndex;
    }

    public InetAddress getAddress() {
        return this.address;
    }

    public int getPort() {
        return this.port;
    }

    @Override
    public synchronized NativeIoException getCause() {
        return (NativeIoException) super.getCause();
    }

    /** {@code 127.0.0.1:1815} or {@code [::1]:1815}. */
    public String getEndpoint() {
        return SocketAddresses.format(this.address, this.port);
    }

    /** The prefix of this listener's properties, e.g. {@code kqlisten.listeners[0]}. */
    public String getPropertyPrefix() {
        return "kqlisten.listeners[" + this.listenerIndex + "]";
    }

}
