package dev.kqlisten.server;

import java.net.InetAddress;

import dev.kqlisten.nativeio.NativeIoException;

/**
 * A listener of a {@link KqlistenServer} could not be bound or put in the listening state; the
 * cause's {@link NativeIoException#kind()} tells why. A port clash is the subclass
 * {@link ListenerPortInUseException}.
 */
public class ListenerBindException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int listenerIndex;

    private final String listenerName;

    private final InetAddress address;

    private final int port;

    public ListenerBindException(int listenerIndex, String listenerName, InetAddress address, int port,
            NativeIoException cause) {
        this("TCP listener '" + listenerName + "' failed to bind " + SocketAddresses.format(address, port) + ": "
                + cause.getMessage(), listenerIndex, listenerName, address, port, cause);
    }

    protected ListenerBindException(String message, int listenerIndex, String listenerName, InetAddress address,
            int port, NativeIoException cause) {
        super(message, cause);
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

    /** {@code 127.0.0.1:1815} or {@code [::1]:1815}. */
    public String getEndpoint() {
        return SocketAddresses.format(this.address, this.port);
    }

    @Override
    public synchronized NativeIoException getCause() {
        return (NativeIoException) super.getCause();
    }

}
