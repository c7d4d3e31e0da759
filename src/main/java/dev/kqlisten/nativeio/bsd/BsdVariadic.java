package dev.kqlisten.nativeio.bsd;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Interface-mapped variadic calls. {@code fcntl(int, int, ...)} is variadic on every OS
 * (docs/native-abi.md §4.2); on Apple arm64 variadic arguments travel on the stack, so a fixed-arity
 * (or direct) mapping would pass garbage (§6). Java varargs make JNA use libffi's variadic path.
 * Used only on macOS, once per socket.
 */
interface BsdVariadic extends Library {

    BsdVariadic INSTANCE = Native.load(Platform.isMac() ? Platform.C_LIBRARY_NAME : null,
            BsdVariadic.class);

    int fcntl(int fd, int cmd, Object... args);

}
