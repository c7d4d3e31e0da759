package dev.kqlisten.server;

import java.net.InetAddress;

import dev.kqlisten.nativeio.NativeIoException;

/** A listener could not bind because its address and port are taken ({@code EADDRINUSE}). */
public class ListenerPortInUseException extends ListenerBindException {

    private static final long serialVersionUID = 1L;

    public ListenerPortInUseException(int listenerIndex, String listenerName, InetAddress address, int port,
            NativeIoException cause) {
        super("TCP listener '" + listenerName + "' failed to start: port " + port + " on " + address.getHostAddress()
                + " is already in use", listenerIndex, listenerName, address, port, cause);
    }

}
