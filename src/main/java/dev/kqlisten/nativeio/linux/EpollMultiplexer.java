package dev.kqlisten.nativeio.linux;

import java.util.BitSet;
import java.util.function.LongFunction;

import com.sun.jna.Memory;
import com.sun.jna.Native;

import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.Multiplexer;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.ReadyEvents;
import dev.kqlisten.nativeio.unix.PosixLibc;
import dev.kqlisten.nativeio.unix.WakeupGuard;

/**
 * {@link Multiplexer} over epoll(7), woken by an eventfd(2).
 * <p>
 * Registrations are level-triggered ({@code EPOLLIN|EPOLLRDHUP}, no {@code EPOLLET}): the poller
 * reads at most one buffer per event, so a fast sender cannot starve the others, and whatever is
 * left is reported again by the next wait. Only the eventfd is edge-triggered; it is read when it
 * fires so its counter never saturates.
 * <p>
 * Write interest is {@code EPOLLOUT} in the same registration (level-triggered too). epoll keeps one
 * interest mask per descriptor and {@code EPOLL_CTL_MOD} replaces it whole, so the two directions
 * are remembered per descriptor ({@link #readPaused}, {@link #writing}) and every change
 * writes the mask both imply. One event then carries both directions' flags.
 * <p>
 * Threading: everything belongs to the poller thread except {@link #wakeup()}, which only reads
 * {@link #wakeFd} and the immutable {@link #wakeValue}, behind the {@link WakeupGuard} that
 * orders it against {@link #close()}.
 */
public final class EpollMultiplexer implements Multiplexer {

    /**
     * {@code data.u64} of the eventfd registration. Caller ids are non-negative (see
     * {@link Multiplexer#register}), so this cannot collide.
     */
    private static final long WAKEUP_ID = -1;

    private static final int READ_INTEREST = LinuxConstants.EPOLLIN | LinuxConstants.EPOLLRDHUP;

    /**
     * Interest while disabled. epoll reports EPOLLHUP and EPOLLERR even for an empty mask
     * (epoll_ctl(2)); level-triggered, a hung-up disabled socket would then be reported by every
     * wait. Edge-triggered, it is reported once per state change and the poller can close it.
     */
    private static final int DISABLED_INTEREST = LinuxConstants.EPOLLET;

    private static final int EOF_EVENTS = LinuxConstants.EPOLLRDHUP | LinuxConstants.EPOLLHUP;

    /** Bits that make an event {@link ReadyEvents#READABLE}: all but EPOLLOUT, as before writes existed. */
    private static final int READ_EVENTS = LinuxConstants.EPOLLIN | EOF_EVENTS | LinuxConstants.EPOLLERR;

    private final EpollEventLayout layout = EpollEventLayout.CURRENT;

    private final int epfd;

    private final int wakeFd;

    private final int maxEvents;

    /** epoll_wait output; poller thread. */
    private final Memory events;

    /** One epoll_event for epoll_ctl; poller thread. */
    private final Memory control;

    /** eventfd read target; poller thread. */
    private final Memory wakeDrain;

    /** The value 1 that {@link #wakeup()} writes; never modified after construction. */
    private final Memory wakeValue;

    private final WakeupGuard wakeups = new WakeupGuard(this::writeWakeValue);

    /** Descriptors whose read interest is off ({@link #setReadable}); cleared by register and forget; poller thread. */
    private final BitSet readPaused = new BitSet();

    /** Descriptors whose write interest is on ({@link #setWritable}); cleared by register and forget; poller thread. */
    private final BitSet writing = new BitSet();

    public EpollMultiplexer(int maxEvents) throws NativeIoException {
        this(maxEvents, Memory::new);
    }

    /**
     * @param allocate allocates the native blocks; a test's allocator fails on purpose to check
     * that what was opened before is released
     */
    EpollMultiplexer(int maxEvents, LongFunction<Memory> allocate) throws NativeIoException {
        this.maxEvents = maxEvents;
        int epfd = -1;
        int wakeFd = -1;
        Memory events = null;
        Memory control = null;
        Memory wakeDrain = null;
        Memory wakeValue = null;
        boolean success = false;
        try {
            epfd = LinuxLibc.epoll_create1(LinuxConstants.EPOLL_CLOEXEC);
            if (epfd < 0) {
                throw failure("epoll_create1", Native.getLastError());
            }
            wakeFd = LinuxLibc.eventfd(0, LinuxConstants.EFD_NONBLOCK | LinuxConstants.EFD_CLOEXEC);
            if (wakeFd < 0) {
                throw failure("eventfd", Native.getLastError());
            }
            events = allocate.apply((long) maxEvents * this.layout.size());
            control = allocate.apply(this.layout.size());
            wakeDrain = allocate.apply(8);
            wakeValue = allocate.apply(8);
            wakeValue.setLong(0, 1L);
            control(epfd, control, LinuxConstants.EPOLL_CTL_ADD, wakeFd, LinuxConstants.EPOLLIN | LinuxConstants.EPOLLET,
                    WAKEUP_ID);
            success = true;
        }
        finally {
            if (!success) {
                closeIfOpen(wakeFd);
                closeIfOpen(epfd);
                free(events);
                free(control);
                free(wakeDrain);
                free(wakeValue);
            }
        }
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        this.events = events;
        this.control = control;
        this.wakeDrain = wakeDrain;
        this.wakeValue = wakeValue;
    }

    @Override
    public String backend() {
        return "epoll";
    }

    @Override
    public void register(int fd, long id) throws NativeIoException {
        if (id < 0) {
            throw new IllegalArgumentException("id must not be negative, was " + id);
        }
        control(this.epfd, this.control, LinuxConstants.EPOLL_CTL_ADD, fd, READ_INTEREST, id);
        this.readPaused.clear(fd);
        this.writing.clear(fd);
    }

    @Override
    public void setReadable(int fd, long id, boolean enabled) throws NativeIoException {
        control(this.epfd, this.control, LinuxConstants.EPOLL_CTL_MOD, fd, interest(enabled, this.writing.get(fd)), id);
        this.readPaused.set(fd, !enabled);
    }

    /** {@code EPOLL_CTL_MOD} adding or removing {@code EPOLLOUT}, read interest as it was. */
    @Override
    public void setWritable(int fd, long id, boolean enabled) throws NativeIoException {
        control(this.epfd, this.control, LinuxConstants.EPOLL_CTL_MOD, fd, interest(!this.readPaused.get(fd), enabled),
                id);
        this.writing.set(fd, enabled);
    }

    /** The mask for the two directions; with neither, the edge-triggered {@link #DISABLED_INTEREST}. */
    private static int interest(boolean read, boolean write) {
        int interest = (read ? READ_INTEREST : 0) | (write ? LinuxConstants.EPOLLOUT : 0);
        return (interest != 0) ? interest : DISABLED_INTEREST;
    }

    /**
     * Nothing is queued with epoll; close(2) removes the registration (unless the fd was dup'ed).
     * Only the remembered interest is dropped, so the next descriptor with this number starts afresh.
     */
    @Override
    public void forget(int fd) {
        this.readPaused.clear(fd);
        this.writing.clear(fd);
    }

    @Override
    public int await(ReadyEvents ready, long timeoutNanos) throws NativeIoException {
        ready.clear();
        int capacity = Math.min(this.maxEvents, ready.capacity());
        long deadline = WakeupGuard.deadline(timeoutNanos);
        long remaining = timeoutNanos;
        int n;
        while ((n = LinuxLibc.epoll_wait(this.epfd, this.events, capacity, toMillis(remaining))) < 0) {
            int errno = Native.getLastError();
            if (LinuxConstants.ERRNOS.errno(errno) != Errno.EINTR) {
                throw failure("epoll_wait", errno);
            }
            remaining = WakeupGuard.remaining(timeoutNanos, deadline);
        }
        int size = this.layout.size();
        int dataOffset = this.layout.dataOffset();
        for (int i = 0; i < n; i++) {
            long base = (long) i * size;
            int bits = this.events.getInt(base + EpollEventLayout.EVENTS_OFFSET);
            long id = this.events.getLong(base + dataOffset);
            if (id == WAKEUP_ID) {
                PosixLibc.read(this.wakeFd, this.wakeDrain, 8);
                continue;
            }
            int flags = ((bits & READ_EVENTS) != 0) ? ReadyEvents.READABLE : 0;
            if ((bits & LinuxConstants.EPOLLOUT) != 0) {
                flags |= ReadyEvents.WRITABLE;
            }
            if ((bits & EOF_EVENTS) != 0) {
                flags |= ReadyEvents.EOF;
            }
            if ((bits & LinuxConstants.EPOLLERR) != 0) {
                // The event carries no errno; the poller, which knows the descriptor, collects it (SO_ERROR).
                flags |= ReadyEvents.ERROR;
            }
            ready.add(id, flags, -1, 0);
        }
        return ready.size();
    }

    /** Writes 1 to the eventfd, unless closed. Any thread. */
    @Override
    public void wakeup() {
        this.wakeups.wakeup();
    }

    /** The buffer is never written after construction, so any thread may pass it. */
    private void writeWakeValue() {
        PosixLibc.write(this.wakeFd, this.wakeValue, 8);
    }

    @Override
    public void close() {
        if (!this.wakeups.close()) {
            return;
        }
        PosixLibc.close(this.wakeFd);
        PosixLibc.close(this.epfd);
        this.events.close();
        this.control.close();
        this.wakeDrain.close();
        // wakeValue stays allocated: a late wakeup() from another thread may still read it.
    }

    private void control(int epfd, Memory control, int op, int fd, int interest, long id) throws NativeIoException {
        control.setInt(EpollEventLayout.EVENTS_OFFSET, interest);
        control.setLong(this.layout.dataOffset(), id);
        if (LinuxLibc.epoll_ctl(epfd, op, fd, control) < 0) {
            throw failure("epoll_ctl", Native.getLastError());
        }
    }

    /** Rounds up so a short timeout does not become a busy poll. */
    static int toMillis(long timeoutNanos) {
        if (timeoutNanos < 0) {
            return -1;
        }
        long millis = timeoutNanos / 1_000_000 + ((timeoutNanos % 1_000_000 != 0) ? 1 : 0);
        return (int) Math.min(millis, Integer.MAX_VALUE);
    }

    private static void closeIfOpen(int fd) {
        if (fd >= 0) {
            PosixLibc.close(fd);
        }
    }

    private static void free(Memory memory) {
        if (memory != null) {
            memory.close();
        }
    }

    private static NativeIoException failure(String syscall, int errno) {
        return new NativeIoException(syscall, errno, LinuxConstants.ERRNOS.errno(errno));
    }

}
