package dev.kqlisten.nativeio.bsd;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import dev.kqlisten.nativeio.unix.PosixLibc;

/**
 * Direct-mapped {@code kqueue(2)} and {@code kevent(2)} with the ABI-independent constants
 * (docs/native-abi.md; docs/native-abi.md §2 and §11: the same on FreeBSD, macOS, OpenBSD, DragonFly and
 * libkqueue; EVFILT_USER differs and is in {@link KeventLayout}).
 * <p>
 * The natives are registered once per JVM, against the library {@link #bind} is first given: a
 * class's native methods can be bound to one library only. Asking for another later fails.
 */
final class KQueueLibc {

    static final short EVFILT_READ = -1;

    static final short EVFILT_WRITE = -2;

    static final short EV_ADD = 0x0001;

    static final short EV_DELETE = 0x0002;

    static final short EV_ENABLE = 0x0004;

    static final short EV_DISABLE = 0x0008;

    static final short EV_CLEAR = 0x0020;

    /** Output only; macOS ORs it into the entry's flags, the others overwrite them (§7.3). */
    static final int EV_ERROR = 0x4000;

    /** 0x8000: negative as a Java {@code short}; compare against {@code flags & 0xFFFF}. */
    static final int EV_EOF = 0x8000;

    static final int NOTE_FFNOP = 0;

    static final int NOTE_TRIGGER = 0x01000000;

    /** EVFILT_USER: on input, replace the user flags with the low 24 bits; on output, they are the low 24 bits. */
    static final int NOTE_FFCOPY = 0xC0000000;

    static final int NOTE_FFLAGSMASK = 0x00FFFFFF;

    /** Describes the C library, the default when no library is named. */
    static final String C_LIBRARY = "the C library";

    /** Guarded by the class lock. */
    private static String boundTo;

    private KQueueLibc() {
    }

    /**
     * Registers the natives against {@code library} (a path or a name; {@code null} for the C
     * library, on FreeBSD the process image so that {@code kevent} is the 64-byte
     * {@code kevent@@FBSD_1.5}, §1.2), or checks that they already are.
     *
     * @throws UnsatisfiedLinkError if the library or a symbol is missing
     * @throws IllegalStateException if they were registered against another library
     */
    static synchronized void bind(String library) {
        String wanted = (library != null) ? library : C_LIBRARY;
        if (boundTo != null) {
            if (!boundTo.equals(wanted)) {
                throw new IllegalStateException("kqueue natives are already bound to " + boundTo
                        + " in this JVM; cannot bind them to " + wanted);
            }
            return;
        }
        NativeLibrary nativeLibrary = (library != null) ? NativeLibrary.getInstance(library) : PosixLibc.libc();
        Native.register(KQueueLibc.class, nativeLibrary);
        boundTo = wanted;
    }

    // -- Native methods --

    static native int kqueue();

    static native int kevent(int kq, Pointer changelist, int nchanges, Pointer eventlist, int nevents,
            Pointer timeout);

}
