package dev.kqlisten.nativeio.unix;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * Direct-mapped socket calls with the same C signature on Linux and every supported BSD.
 * <p>
 * Each call returns -1 on failure; the caller reads {@link Native#getLastError()} right after it
 * (JNA saves errno per thread after every native call, direct-mapped ones included).
 */
public final class PosixLibc {

    static {
        Native.register(PosixLibc.class, libc());
    }

    private PosixLibc() {
    }

    /**
     * The C library as JNA should bind it on this OS. Linux and FreeBSD: JNA maps {@code "c"}
     * to the process image anyway (docs/native-abi.md §6; on FreeBSD this is what gives
     * {@code kevent@@FBSD_1.5}, §1.2). OpenBSD and DragonFly: the process image too, since
     * {@code dlopen("libc.so")} is not verified there (§6, OSHI's BsdLibcLoader does the same).
     * macOS: {@code libc.dylib}.
     */
    public static NativeLibrary libc() {
        return Platform.isMac() ? NativeLibrary.getInstance(Platform.C_LIBRARY_NAME) : NativeLibrary.getProcess();
    }

    // -- Native methods --

    public static native int socket(int domain, int type, int protocol);

    public static native int setsockopt(int fd, int level, int name, Pointer value, int length);

    public static native int getsockopt(int fd, int level, int name, Pointer value, Pointer length);

    public static native int bind(int fd, Pointer address, int length);

    public static native int listen(int fd, int backlog);

    public static native int accept(int fd, Pointer address, Pointer length);

    public static native int getsockname(int fd, Pointer address, Pointer length);

    public static native long read(int fd, Pointer buffer, long count);

    public static native long write(int fd, Pointer buffer, long count);

    public static native int close(int fd);

    /** pipe(2); {@code fds} receives the read end at 0 and the write end at 1. */
    public static native int pipe(int[] fds);

    /** getrlimit(2); {@code rlimit} is a 16-byte {@code struct rlimit} (docs/native-abi.md §12). */
    public static native int getrlimit(int resource, Pointer rlimit);

}
