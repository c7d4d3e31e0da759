package dev.kqlisten.nativeio.bsd;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

import dev.kqlisten.nativeio.KQueueAbi;
import dev.kqlisten.nativeio.KQueueAbiMismatchException;
import dev.kqlisten.nativeio.unix.ErrnoTable;
import dev.kqlisten.nativeio.unix.PosixLibc;

/**
 * Proves a {@link KeventLayout} against a kqueue library before anything is bound
 * (docs/native-abi.md, "The start-up check").
 * <p>
 * On a scratch kqueue, one {@code kevent} call carries seven changes: three {@code EVFILT_USER}
 * additions with distinct idents and {@code udata}, a {@code NOTE_TRIGGER} for each that copies
 * distinct user flags, and an {@code EVFILT_READ} addition for a pipe holding
 * {@value #PIPE_BYTES} bytes. Exactly four events must come back, each with the ident, filter,
 * {@code udata} and flags the layout predicts, the user flags in {@code fflags} and the pipe's
 * byte count in {@code data}. A library with another entry size reads the second change from
 * the wrong offset and writes the second event where the layout does not look; a library with
 * other filter numbers refuses the changes: neither can pass.
 * <p>
 * The calls go through JNA {@link Function}s of the named library, not through
 * {@link KQueueLibc}'s registered natives, so the check can run before (and independently of)
 * that binding, against any library. The arrays are sized for the largest known entry (with
 * slack), so a library with larger entries writes into zeroed slack instead of past the array
 * (docs/native-abi.md §9.1). A pair that passed once is not checked again in this JVM.
 */
public final class KeventAbiCheck {

    /** Bytes written into the pipe; odd, so it is no size or count the library could report by accident. */
    static final int PIPE_BYTES = 37;

    static final int USER_EVENTS = 3;

    private static final long USER_IDENT_BASE = 0x6B71L;

    private static final long UDATA_BASE = 0x6B716C6900000000L;

    private static final int USER_FLAGS_BASE = 0x00A5C300;

    private static final int CHANGES = 2 * USER_EVENTS + 1;

    private static final int EVENT_ROOM = 16;

    private static final long WAIT_NANOS = 1_000_000_000L;

    private static final Set<String> passed = ConcurrentHashMap.newKeySet();

    private KeventAbiCheck() {
    }

    /**
     * Checks {@code abi} against {@code library} once per JVM.
     *
     * @param library a path or name, {@code null} for the C library
     * @param abi the layout to prove
     * @param configured whether {@code abi} was configured (for the message)
     * @param errnos the errno numbering of the host, for the message
     * @param alternatives the layouts that could be configured instead: on a mismatch, those the
     * library passes with are named in the exception
     * @throws KQueueAbiMismatchException if the library answers otherwise
     * @throws UnsatisfiedLinkError if the library or a symbol is missing
     */
    public static void verify(String library, KQueueAbi abi, boolean configured, ErrnoTable errnos,
            Collection<KQueueAbi> alternatives) {
        String key = abi + "\u0000" + library;
        if (passed.contains(key)) {
            return;
        }
        NativeLibrary nativeLibrary = nativeLibrary(library);
        String mismatch = run(nativeLibrary, KeventLayout.of(abi), errnos);
        if (mismatch == null) {
            passed.add(key);
            return;
        }
        List<KQueueAbi> matching = new ArrayList<>();
        for (KQueueAbi other : alternatives) {
            if (other != abi && run(nativeLibrary, KeventLayout.of(other), errnos) == null) {
                matching.add(other);
            }
        }
        throw new KQueueAbiMismatchException((library != null) ? library : KQueueLibc.C_LIBRARY, abi, configured,
                expected(KeventLayout.of(abi)), mismatch, matching);
    }

    /** Whether {@code abi} passes against {@code library}; for tests that try every pair. */
    static boolean passes(String library, KQueueAbi abi, ErrnoTable errnos) {
        return run(nativeLibrary(library), KeventLayout.of(abi), errnos) == null;
    }

    private static NativeLibrary nativeLibrary(String library) {
        return (library != null) ? NativeLibrary.getInstance(library) : PosixLibc.libc();
    }

    static String expected(KeventLayout layout) {
        return "with the " + layout.describe() + ", one kevent call with " + CHANGES + " changes returns "
                + (USER_EVENTS + 1) + " events: EVFILT_USER (" + layout.evfiltUser() + ") idents " + USER_IDENT_BASE
                + ".." + (USER_IDENT_BASE + USER_EVENTS - 1) + " with user flags 0x" + Integer.toHexString(USER_FLAGS_BASE)
                + "+i and udata 0x" + Long.toHexString(UDATA_BASE) + "+i, and EVFILT_READ (" + KQueueLibc.EVFILT_READ
                + ") on a pipe with data " + PIPE_BYTES;
    }

    /** Runs the check; {@code null} if it passed, else what came back. */
    static String run(NativeLibrary library, KeventLayout layout, ErrnoTable errnos) {
        Function kqueue = library.getFunction("kqueue");
        Function kevent = library.getFunction("kevent");
        int[] pipe = { -1, -1 };
        int kq = -1;
        long slack = (long) KeventLayout.LARGEST_KNOWN_SIZE * 2;
        try (KeventArray changes = new KeventArray(layout, CHANGES, slack * CHANGES);
                KeventArray events = new KeventArray(layout, EVENT_ROOM, slack * EVENT_ROOM);
                Memory bytes = new Memory(PIPE_BYTES);
                Memory timeout = new Memory(16)) {
            kq = kqueue.invokeInt(new Object[0]);
            if (kq < 0) {
                return "kqueue() failed with " + errno(errnos, Native.getLastError());
            }
            if (PosixLibc.pipe(pipe) != 0) {
                return "pipe() failed with " + errno(errnos, Native.getLastError()) + " (not the library's fault)";
            }
            bytes.clear();
            if (PosixLibc.write(pipe[1], bytes, PIPE_BYTES) != PIPE_BYTES) {
                return "write() to the check's pipe failed (not the library's fault)";
            }
            short userFilter = layout.evfiltUser();
            for (int i = 0; i < USER_EVENTS; i++) {
                changes.set(i, USER_IDENT_BASE + i, userFilter, (short) (KQueueLibc.EV_ADD | KQueueLibc.EV_CLEAR),
                        KQueueLibc.NOTE_FFNOP, 0, UDATA_BASE + i);
                changes.set(USER_EVENTS + i, USER_IDENT_BASE + i, userFilter, (short) 0,
                        KQueueLibc.NOTE_TRIGGER | KQueueLibc.NOTE_FFCOPY | (USER_FLAGS_BASE + i), 0, UDATA_BASE + i);
            }
            changes.set(CHANGES - 1, pipe[0], KQueueLibc.EVFILT_READ, KQueueLibc.EV_ADD, 0, 0,
                    UDATA_BASE + USER_EVENTS);
            timeout.setLong(0, 0);
            timeout.setLong(8, 0);
            // One call carries every change; it must also return several events at once. A
            // library that reports some of them a moment later gets a short grace, calls
            // without changes, each checked the same way.
            List<String> seen = new ArrayList<>();
            boolean[] found = new boolean[USER_EVENTS + 1];
            long deadline = System.nanoTime() + WAIT_NANOS;
            int n = kevent.invokeInt(new Object[] { kq, changes.pointer(), CHANGES, events.pointer(), EVENT_ROOM,
                    timeout });
            while (true) {
                if (n < 0) {
                    return "kevent() failed with " + errno(errnos, Native.getLastError())
                            + describeSeen(seen);
                }
                String wrong = match(events, n, layout, pipe[0], found, seen, errnos);
                if (wrong != null) {
                    return wrong;
                }
                if (allFound(found) || System.nanoTime() - deadline > 0) {
                    break;
                }
                timeout.setLong(8, 10_000_000L);
                n = kevent.invokeInt(new Object[] { kq, null, 0, events.pointer(), EVENT_ROOM, timeout });
            }
            if (!allFound(found)) {
                return "only " + seen.size() + " of " + (USER_EVENTS + 1) + " events" + describeSeen(seen);
            }
            return null;
        }
        finally {
            // The kqueue first: libkqueue keeps registrations of closed descriptors (§11), its own
            // close drops them all.
            if (kq >= 0) {
                PosixLibc.close(kq);
            }
            for (int fd : pipe) {
                if (fd >= 0) {
                    PosixLibc.close(fd);
                }
            }
        }
    }

    /** Checks the first {@code n} events; {@code null} if each is one expected and not seen before. */
    private static String match(KeventArray events, int n, KeventLayout layout, int pipeFd, boolean[] found,
            List<String> seen, ErrnoTable errnos) {
        for (int i = 0; i < n; i++) {
            String entry = describe(events, i, errnos);
            seen.add(entry);
            long ident = events.ident(i);
            short filter = events.filter(i);
            int flags = events.flags(i);
            long udata = events.udata(i);
            if ((flags & KQueueLibc.EV_ERROR) != 0) {
                return "change refused: " + entry + describeSeen(seen);
            }
            int slot;
            boolean right;
            if (filter == layout.evfiltUser() && ident >= USER_IDENT_BASE && ident < USER_IDENT_BASE + USER_EVENTS) {
                slot = (int) (ident - USER_IDENT_BASE);
                right = udata == UDATA_BASE + slot && (flags & KQueueLibc.EV_EOF) == 0
                        && (events.fflags(i) & KQueueLibc.NOTE_FFLAGSMASK) == USER_FLAGS_BASE + slot;
            }
            else if (filter == KQueueLibc.EVFILT_READ && ident == pipeFd) {
                slot = USER_EVENTS;
                right = udata == UDATA_BASE + USER_EVENTS && (flags & KQueueLibc.EV_EOF) == 0
                        && events.data(i) == PIPE_BYTES;
            }
            else {
                return "an event no change asked for: " + entry + describeSeen(seen);
            }
            if (!right) {
                return "wrong fields in " + entry + describeSeen(seen);
            }
            if (found[slot]) {
                return "a duplicate event " + entry + describeSeen(seen);
            }
            found[slot] = true;
        }
        return null;
    }

    private static boolean allFound(boolean[] found) {
        for (boolean f : found) {
            if (!f) {
                return false;
            }
        }
        return true;
    }

    private static String describe(KeventArray events, int i, ErrnoTable errnos) {
        int flags = events.flags(i);
        String data = ((flags & KQueueLibc.EV_ERROR) != 0) ? errno(errnos, (int) events.data(i))
                : Long.toString(events.data(i));
        return "{ident=" + events.ident(i) + ", filter=" + events.filter(i) + ", flags=0x" + Integer.toHexString(flags)
                + ", fflags=0x" + Integer.toHexString(events.fflags(i)) + ", data=" + data + ", udata=0x"
                + Long.toHexString(events.udata(i)) + "}";
    }

    private static String describeSeen(List<String> seen) {
        return seen.isEmpty() ? " (no events returned)" : " (events returned: " + String.join(", ", seen) + ")";
    }

    private static String errno(ErrnoTable errnos, int number) {
        return "errno " + number + " (" + errnos.errno(number) + ")";
    }

}
