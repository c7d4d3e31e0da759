package dev.kqlisten.nativeio.bsd;

import java.util.BitSet;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.KQueueAbi;
import dev.kqlisten.nativeio.Multiplexer;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.ReadyEvents;
import dev.kqlisten.nativeio.unix.ErrnoTable;
import dev.kqlisten.nativeio.unix.PosixLibc;
import dev.kqlisten.nativeio.unix.SocketAbi;
import dev.kqlisten.nativeio.unix.WakeupGuard;

/**
 * {@link Multiplexer} over kqueue(2), woken by an {@code EVFILT_USER} event.
 * <p>
 * Registrations are level-triggered {@code EVFILT_READ} (no {@code EV_CLEAR}): {@code data} is
 * the number of bytes readable, so one read per event drains the socket without an extra EAGAIN
 * read, and since the poller reads at most one buffer per event a fast sender cannot starve the
 * others; what is left is reported again by the next wait. Only the wake-up is edge-triggered
 * ({@code EV_CLEAR}, docs/native-abi.md §7.10).
 * <p>
 * Write interest is a second, level-triggered filter on the same ident, {@code EVFILT_WRITE}
 * (§3, §7.9), turned on with {@code EV_ADD|EV_ENABLE} and off with {@code EV_ADD|EV_DISABLE}. It is
 * disabled rather than deleted: the knote is kept for the next time bytes are queued (no kernel
 * allocation per toggle), and with {@code EV_ADD} both changes are idempotent, so turning off a
 * write filter that was never turned on cannot fail with ENOENT and close the connection. A
 * socket with both filters ready is reported as two entries in one wait, one per filter.
 * <p>
 * Changes are not submitted one syscall each: {@link #register} and {@link #setReadable} append
 * to a changelist that the next {@link #await} passes to {@code kevent}. The changelist doubles
 * when full (rare: it starts at {@code max(maxEvents, 256)}). To keep §7.3 from dropping changes
 * (with no room left in the eventlist, a failing change makes {@code kevent} fail and the later
 * changes are not applied), {@link #await} never submits more changes in one call than it gives
 * eventlist room: a longer changelist goes in chunks, each with a zero timeout, and their events
 * are reported like any others.
 * <p>
 * Threading: everything belongs to the poller thread except {@link #wakeup()}, which only reads
 * {@link #kq} and the never-modified {@link #wakeChange}, behind the {@link WakeupGuard} that
 * orders it against {@link #close()}.
 */
public final class KQueueMultiplexer implements Multiplexer {

    private static final int MIN_CHANGES = 256;

    private final KeventLayout layout;

    private final ErrnoTable errnos;

    private final int kq;

    /** Pending changes; poller thread. */
    private final KeventArray changes;

    private int pendingChanges;

    /** kevent output; poller thread. */
    private final KeventArray events;

    /** The EV_DELETE {@link #forget} submits where close(2) keeps registrations; poller thread. */
    private final KeventArray deleteChange;

    /**
     * Descriptors whose {@code EVFILT_WRITE} was ever changed since they were registered: where
     * close(2) keeps registrations, {@link #forget} deletes their write knote too; poller thread.
     */
    private final BitSet writeFilters = new BitSet();

    /** The NOTE_TRIGGER change {@link #wakeup()} submits; written once in the constructor. */
    private final KeventArray wakeChange;

    /** {@code struct timespec { int64 tv_sec; long tv_nsec; }}, 16 bytes on every OS (§1.7); poller thread. */
    private final Memory timeout;

    private final Memory zeroTimeout;

    private final WakeupGuard wakeups = new WakeupGuard(this::triggerWakeChange);

    /**
     * Creates the queue and registers the wake-up.
     *
     * @param abi the {@code struct kevent} ABI of the bound library
     * @param library the library {@link KQueueLibc#bind} registers against; {@code null} for the C library
     * @param errnos the errno numbering the library reports in (the host's)
     * @param maxEvents the most events collected per wait
     * @throws UnsatisfiedLinkError if the library or a symbol is missing
     * @throws IllegalStateException if kqueue was bound to another library in this JVM
     */
    public KQueueMultiplexer(KQueueAbi abi, String library, ErrnoTable errnos, int maxEvents)
            throws NativeIoException {
        KQueueLibc.bind(library);
        this.layout = KeventLayout.of(abi);
        this.errnos = errnos;
        int kq = -1;
        KeventArray changes = null;
        KeventArray events = null;
        KeventArray wakeChange = null;
        KeventArray deleteChange = null;
        Memory timeout = null;
        Memory zeroTimeout = null;
        boolean success = false;
        try {
            changes = new KeventArray(this.layout, Math.max(maxEvents, MIN_CHANGES));
            events = new KeventArray(this.layout, maxEvents);
            wakeChange = new KeventArray(this.layout, 1);
            deleteChange = new KeventArray(this.layout, 1);
            timeout = new Memory(16);
            zeroTimeout = new Memory(16);
            zeroTimeout.clear();
            kq = KQueueLibc.kqueue();
            if (kq < 0) {
                throw failure("kqueue", Native.getLastError());
            }
            // A BSD kqueue is not inherited by fork(2) (§2), but kqueue() sets no close-on-exec and a
            // compatibility library's descriptor (an epoll fd on Linux) would be inherited; one fcntl.
            if (BsdVariadic.INSTANCE.fcntl(kq, SocketAbi.F_SETFD, SocketAbi.FD_CLOEXEC) < 0) {
                throw failure("fcntl", Native.getLastError());
            }
            wakeChange.set(0, 0, this.layout.evfiltUser(), (short) (KQueueLibc.EV_ADD | KQueueLibc.EV_ENABLE
                    | KQueueLibc.EV_CLEAR), KQueueLibc.NOTE_FFNOP, 0, 0);
            if (KQueueLibc.kevent(kq, wakeChange.pointer(), 1, null, 0, null) < 0) {
                throw failure("kevent", Native.getLastError());
            }
            wakeChange.set(0, 0, this.layout.evfiltUser(), (short) 0, KQueueLibc.NOTE_TRIGGER
                    | KQueueLibc.NOTE_FFNOP, 0, 0);
            success = true;
        }
        finally {
            if (!success) {
                if (kq >= 0) {
                    PosixLibc.close(kq);
                }
                free(changes);
                free(events);
                free(wakeChange);
                free(deleteChange);
                free(timeout);
                free(zeroTimeout);
            }
        }
        this.kq = kq;
        this.changes = changes;
        this.events = events;
        this.wakeChange = wakeChange;
        this.deleteChange = deleteChange;
        this.timeout = timeout;
        this.zeroTimeout = zeroTimeout;
    }

    @Override
    public String backend() {
        return "kqueue";
    }

    @Override
    public void register(int fd, long id) {
        if (id < 0) {
            throw new IllegalArgumentException("id must not be negative, was " + id);
        }
        queue(fd, KQueueLibc.EVFILT_READ, (short) (KQueueLibc.EV_ADD | KQueueLibc.EV_ENABLE), id);
    }

    @Override
    public void setReadable(int fd, long id, boolean enabled) {
        queue(fd, KQueueLibc.EVFILT_READ, enabled ? KQueueLibc.EV_ENABLE : KQueueLibc.EV_DISABLE, id);
    }

    @Override
    public void setWritable(int fd, long id, boolean enabled) {
        short flags = (short) (KQueueLibc.EV_ADD | (enabled ? KQueueLibc.EV_ENABLE : KQueueLibc.EV_DISABLE));
        queue(fd, KQueueLibc.EVFILT_WRITE, flags, id);
        this.writeFilters.set(fd);
    }

    /**
     * Drops queued changes for {@code fd}. On a kernel, close(2) then removes its registration
     * (§7.6) and nothing else is needed: no system call here. Where close does not
     * ({@link KeventLayout#closeRemovesRegistrations()}, libkqueue), the registration is deleted
     * now, with one {@code kevent} call, unless its {@code EV_ADD} was still queued and so never
     * reached the library. {@link #register} is called once per descriptor lifetime, so a
     * queued read {@code EV_ADD} means exactly that; write changes always come after it, so they
     * cannot have reached the library either.
     */
    @Override
    public void forget(int fd) {
        boolean hadWriteFilter = this.writeFilters.get(fd);
        this.writeFilters.clear(fd);
        boolean addStillQueued = false;
        int kept = 0;
        for (int i = 0; i < this.pendingChanges; i++) {
            if (this.changes.ident(i) != fd) {
                if (kept != i) {
                    this.changes.move(i, kept);
                }
                kept++;
            }
            else if (this.changes.filter(i) == KQueueLibc.EVFILT_READ
                    && (this.changes.flags(i) & KQueueLibc.EV_ADD) != 0) {
                addStillQueued = true;
            }
        }
        this.pendingChanges = kept;
        if (!this.layout.closeRemovesRegistrations() && !addStillQueued) {
            deleteNow(fd, KQueueLibc.EVFILT_READ);
            if (hadWriteFilter) {
                deleteNow(fd, KQueueLibc.EVFILT_WRITE);
            }
        }
    }

    /**
     * {@code EV_DELETE} of one of {@code fd}'s filters, applied at once with no event list, so no
     * ready event is consumed. A failure (ENOENT: the add had failed or was never submitted;
     * EBADF) means there is nothing to delete, and is ignored. One call per filter: with no event
     * list, a failing change would stop the ones after it (§7.3).
     */
    private void deleteNow(int fd, short filter) {
        this.deleteChange.set(0, fd, filter, KQueueLibc.EV_DELETE, 0, 0, 0);
        KQueueLibc.kevent(this.kq, this.deleteChange.pointer(), 1, null, 0, this.zeroTimeout);
    }

    @Override
    public int await(ReadyEvents ready, long timeoutNanos) throws NativeIoException {
        ready.clear();
        int submitted = 0;
        while (this.pendingChanges - submitted > room(ready) && room(ready) > 0) {
            int chunk = room(ready);
            collect(ready, kevent(this.changes.pointer(submitted), chunk, chunk, 0));
            submitted += chunk;
        }
        int rest = this.pendingChanges - submitted;
        if (room(ready) == 0) {
            // The chunks filled the caller's events: keep the rest for the next call.
            for (int i = 0; i < rest; i++) {
                this.changes.move(submitted + i, i);
            }
            this.pendingChanges = rest;
            return ready.size();
        }
        Pointer changelist = (submitted == 0) ? this.changes.pointer() : this.changes.pointer(submitted);
        this.pendingChanges = 0;
        collect(ready, kevent(changelist, rest, room(ready), (ready.size() > 0) ? 0 : timeoutNanos));
        return ready.size();
    }

    /** Triggers the EVFILT_USER event, unless closed. Any thread. */
    @Override
    public void wakeup() {
        this.wakeups.wakeup();
    }

    /** The change entry is never written after construction, so any thread may submit it. */
    private void triggerWakeChange() {
        KQueueLibc.kevent(this.kq, this.wakeChange.pointer(), 1, null, 0, null);
    }

    @Override
    public void close() {
        if (!this.wakeups.close()) {
            return;
        }
        PosixLibc.close(this.kq);
        this.changes.close();
        this.events.close();
        this.deleteChange.close();
        this.timeout.close();
        this.zeroTimeout.close();
        // wakeChange stays allocated: a late wakeup() from another thread may still read it.
    }

    private void queue(int fd, short filter, short flags, long id) {
        if (this.pendingChanges == this.changes.capacity()) {
            this.changes.grow(this.pendingChanges);
        }
        this.changes.set(this.pendingChanges++, fd, filter, flags, 0, 0, id);
    }

    private int room(ReadyEvents ready) {
        return Math.min(this.events.capacity(), ready.capacity() - ready.size());
    }

    /**
     * One kevent call. EINTR is retried with an empty changelist, since the changes were already
     * applied (§7.2), and with the time that is left.
     */
    private int kevent(Pointer changelist, int nchanges, int nevents, long timeoutNanos) throws NativeIoException {
        long deadline = WakeupGuard.deadline(timeoutNanos);
        int n = KQueueLibc.kevent(this.kq, changelist, nchanges, this.events.pointer(), nevents,
                timespec(timeoutNanos));
        while (n < 0) {
            int errno = Native.getLastError();
            if (this.errnos.errno(errno) != Errno.EINTR) {
                throw failure("kevent", errno);
            }
            n = KQueueLibc.kevent(this.kq, null, 0, this.events.pointer(), nevents,
                    timespec(WakeupGuard.remaining(timeoutNanos, deadline)));
        }
        return n;
    }

    private void collect(ReadyEvents ready, int n) {
        short userFilter = this.layout.evfiltUser();
        for (int i = 0; i < n; i++) {
            short filter = this.events.filter(i);
            int flags = this.events.flags(i);
            if (filter == userFilter && (flags & KQueueLibc.EV_ERROR) == 0) {
                continue;
            }
            long id = this.events.udata(i);
            long data = this.events.data(i);
            if ((flags & KQueueLibc.EV_ERROR) != 0) {
                // macOS ORs EV_ERROR into the change's flags, the others overwrite them (§7.3).
                if (data != 0) {
                    ready.add(id, ReadyEvents.ERROR, -1, (int) data);
                }
                continue;
            }
            if (filter == KQueueLibc.EVFILT_WRITE) {
                // EV_EOF here means nothing more can be sent (§3); it is not the peer's end of
                // stream, which the read filter reports in order with the data. A socket error in
                // fflags is passed on like the read filter's; the next write fails anyway.
                int error = ((flags & KQueueLibc.EV_EOF) != 0) ? this.events.fflags(i) : 0;
                ready.add(id, (error != 0) ? ReadyEvents.WRITABLE | ReadyEvents.ERROR : ReadyEvents.WRITABLE, data,
                        error);
                continue;
            }
            int kinds = ReadyEvents.READABLE;
            int error = 0;
            if ((flags & KQueueLibc.EV_EOF) != 0) {
                kinds |= ReadyEvents.EOF;
                error = this.events.fflags(i);
                if (error != 0) {
                    kinds |= ReadyEvents.ERROR;
                }
            }
            ready.add(id, kinds, data, error);
        }
    }

    /** NULL waits without limit; otherwise a preallocated timespec. */
    private Pointer timespec(long timeoutNanos) {
        if (timeoutNanos < 0) {
            return null;
        }
        if (timeoutNanos == 0) {
            return this.zeroTimeout;
        }
        this.timeout.setLong(0, timeoutNanos / 1_000_000_000L);
        this.timeout.setLong(8, timeoutNanos % 1_000_000_000L);
        return this.timeout;
    }

    private static void free(KeventArray array) {
        if (array != null) {
            array.close();
        }
    }

    private static void free(Memory memory) {
        if (memory != null) {
            memory.close();
        }
    }

    private NativeIoException failure(String syscall, int errno) {
        return new NativeIoException(syscall, errno, this.errnos.errno(errno));
    }

}
