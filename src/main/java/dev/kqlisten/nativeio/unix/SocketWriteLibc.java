package dev.kqlisten.nativeio.unix;

import com.sun.jna.Native;

/**
 * Direct-mapped {@code send(2)}, {@code write(2)} and {@code shutdown(2)} for writing to
 * connections. The buffer is passed as a raw address ({@code const void *} as a Java {@code long},
 * the same 64-bit integer register on the LP64 ABIs kqlisten supports; docs/native-abi.md, "Native
 * calls"), so a write from any offset of a caller's direct buffer needs no
 * {@link com.sun.jna.Pointer} per call. Kept apart from {@link PosixLibc}, whose {@code write} takes
 * a {@code Pointer}: a class registers each symbol name once. Each call returns -1 and leaves errno
 * in {@link Native#getLastError()} on failure.
 */
final class SocketWriteLibc {

    static {
        Native.register(SocketWriteLibc.class, PosixLibc.libc());
    }

    private SocketWriteLibc() {
    }

    // -- Native methods --

    static native long send(int fd, long buffer, long count, int flags);

    static native long write(int fd, long buffer, long count);

    static native int shutdown(int fd, int how);

}
