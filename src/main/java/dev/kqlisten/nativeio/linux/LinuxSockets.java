package dev.kqlisten.nativeio.linux;

import dev.kqlisten.nativeio.unix.PosixSockets;

/**
 * {@link dev.kqlisten.nativeio.Sockets} on Linux: {@code SOCK_NONBLOCK|SOCK_CLOEXEC} in
 * {@code socket()} and {@code accept4()}, so no fcntl is ever needed; that is
 * {@link PosixSockets}'s default, with Linux's numbers.
 */
public final class LinuxSockets extends PosixSockets {

    public LinuxSockets(int readBufferSize) {
        super(LinuxConstants.SOCKETS, readBufferSize);
    }

}
