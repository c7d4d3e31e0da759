package dev.kqlisten.server;

import java.net.InetAddress;

import dev.kqlisten.nativeio.NativeIoException;

/**
 * A listener of a {@link KqlistenServer} could not be bound or put in the listening state; the
 * cause's {@link NativeIoException#kind()} tells why ({@code EADDRINUSE} for a port clash).
 */
public class ListenerBindException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int listenerIndex;

    private final String listenerName;

    private final InetAddress address;

    private final int port;

    public ListenerBindException(int listenerIndex, String listenerName, InetAddress address, int port,
            NativeIoException cause) {
        super("Listener " + listenerIndex + " ('" + listenerName + "') could not listen on "
                + SocketAddresses.format(address, port) + ": " + cause.getMessage(),
                cause);
        this.listenerIndex = listenerIndex;
        this.listenerName = listenerName;
        this.address = address;
        this.port = port;
    }

    /** The listener's position in {@link ServerConfig#listeners()}. */
    public int getListenerIndex() {
        return this.listenerIndex;
    }

    public String getListenerName() {
        return this.listenerName;
    }

    public InetAddress getAddress() {
        return this.address;
    }

    /** The configured port (0 when the kernel was to choose). */
    public int getPort() {
        return this.port;
    }

    @Override
    public synchronized NativeIoException getCause() {
        return (NativeIoException) super.getCause();
    }

}
