package dev.kqlisten.boot.diagnostics;

import java.net.InetAddress;

import dev.kqlisten.nativeio.NativeIoException;

/**
 * A listener could not bind because its address and port are taken (EADDRINUSE).
 */
public class TcpPortInUseException extends TcpBindException {

    private static final long serialVersionUID = 1L;

    public TcpPortInUseException(String listenerName, int listenerIndex, InetAddress address, int port,
            NativeIoException cause) {
        super("TCP listener '" + listenerName + "' failed to start: port " + port + " on " + address.getHostAddress()
                + " is already in use", listenerName, listenerIndex, address, port, cause);
    }

}
