package dev.kqlisten.nativeio.unix;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * {@code accept4(2)}, kept apart from {@link PosixLibc} because macOS lacks it (docs/native-abi.md §4):
 * registering it there would fail. This class is initialised only on OSes that have it.
 */
public final class Accept4Libc {

    static {
        Native.register(Accept4Libc.class, PosixLibc.libc());
    }

    private Accept4Libc() {
    }

    public static native int accept4(int fd, Pointer address, Pointer length, int flags);

}
