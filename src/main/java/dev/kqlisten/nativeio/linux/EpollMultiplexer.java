package dev.kqlisten.nativeio.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.Multiplexer;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.ReadyEvents;
import dev.kqlisten.nativeio.unix.PosixLibc;

/**
 * {@link Multiplexer} over epoll(7), woken by an eventfd(2).
 * <p>
 * Registrations are level-triggered ({@code EPOLLIN|EPOLLRDHUP}, no {@code EPOLLET}): the poller
 * reads at most one buffer per event, so a fast sender cannot starve the others, and whatever is
 * left is reported again by the next wait. Only the eventfd is edge-triggered; it is read when it
 * fires so its counter never saturates.
 * <p>
 * Threading: everything belongs to the poller thread except {@link #wakeup()}, which only reads
 * {@link #epfd}'s sibling {@link #wakeFd} and the immutable {@link #wakeValue}.
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

    private final EpollEventLayout layout = EpollEventLayout.CURRENT;

    private final int epfd;

    private final int wakeFd;

    private final int maxEvents;

    /** epoll_wait output; poller thread. */
    private final Memory events;

    /** One epoll_event for epoll_ctl; poller thread. */
    private final Memory control;

    /** eventfd read target; poller thread. */
    private final Memory wakeDrain = new Memory(8);

    /** The value 1 that {@link #wakeup()} writes; never modified after construction. */
    private final Memory wakeValue = new Memory(8);

    /**
     * Set by {@link #close()} on the poller thread, read by {@link #wakeup()} on any thread. The
     * check narrows, but cannot close, the window in which a late wake-up reaches a descriptor
     * number that was closed and reused; callers must stop waking before they close (the poller
     * does: it closes the multiplexer last, on its own thread, after shutdown was requested).
     */
    private volatile boolean closed;

    /** Orders {@link #wakeup()} against {@link #close()}; wake-ups are rare (the poller coalesces them). */
    private final Object wakeLock = new Object();

    public EpollMultiplexer(int maxEvents) throws NativeIoException {
        this.maxEvents = maxEvents;
        this.events = new Memory((long) maxEvents * this.layout.size());
        this.control = new Memory(this.layout.size());
        this.wakeValue.setLong(0, 1L);
        this.epfd = LinuxLibc.epoll_create1(LinuxConstants.EPOLL_CLOEXEC);
        if (this.epfd < 0) {
            throw failure("epoll_create1", Native.getLastError());
        }
        this.wakeFd = LinuxLibc.eventfd(0, LinuxConstants.EFD_NONBLOCK | LinuxConstants.EFD_CLOEXEC);
        if (this.wakeFd < 0) {
            int errno = Native.getLastError();
            PosixLibc.close(this.epfd);
            throw failure("eventfd", errno);
        }
        try {
            control(LinuxConstants.EPOLL_CTL_ADD, this.wakeFd, LinuxConstants.EPOLLIN | LinuxConstants.EPOLLET,
                    WAKEUP_ID);
        }
        catch (NativeIoException ex) {
            PosixLibc.close(this.wakeFd);
            PosixLibc.close(this.epfd);
            throw ex;
        }
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
        control(LinuxConstants.EPOLL_CTL_ADD, fd, READ_INTEREST, id);
    }

    @Override
    public void setReadable(int fd, long id, boolean enabled) throws NativeIoException {
        control(LinuxConstants.EPOLL_CTL_MOD, fd, enabled ? READ_INTEREST : DISABLED_INTEREST, id);
    }

    /** Nothing is queued with epoll; close(2) removes the registration (unless the fd was dup'ed). */
    @Override
    public void forget(int fd) {
    }

    @Override
    public int await(ReadyEvents ready, long timeoutNanos) throws NativeIoException {
        ready.clear();
        int capacity = Math.min(this.maxEvents, ready.capacity());
        long deadline = (timeoutNanos > 0) ? System.nanoTime() + timeoutNanos : 0;
        long remaining = timeoutNanos;
        int n;
        while ((n = LinuxLibc.epoll_wait(this.epfd, this.events, capacity, toMillis(remaining))) < 0) {
            int errno = Native.getLastError();
            if (LinuxConstants.ERRNOS.errno(errno) != Errno.EINTR) {
                throw failure("epoll_wait", errno);
            }
            if (timeoutNanos > 0) {
                remaining = Math.max(0, deadline - System.nanoTime());
            }
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
            int flags = ReadyEvents.READABLE;
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

    /** Writes 1 to the eventfd. Any thread; the buffer is never written after construction. */
    @Override
    public void wakeup() {
        // Under the lock, so close() cannot run between the check and the call: a wake-up from
        // a late thread must never reach a descriptor number the OS has already reused.
        synchronized (this.wakeLock) {
            if (!this.closed) {
                PosixLibc.write(this.wakeFd, this.wakeValue, 8);
            }
        }
    }

    @Override
    public void close() {
        synchronized (this.wakeLock) {
            if (this.closed) {
                return;
            }
            this.closed = true;
        }
        PosixLibc.close(this.wakeFd);
        PosixLibc.close(this.epfd);
        this.events.close();
        this.control.close();
        this.wakeDrain.close();
        // wakeValue stays allocated: a late wakeup() from another thread may still read it.
    }

    private void control(int op, int fd, int interest, long id) throws NativeIoException {
        this.control.setInt(EpollEventLayout.EVENTS_OFFSET, interest);
        this.control.setLong(this.layout.dataOffset(), id);
        if (LinuxLibc.epoll_ctl(this.epfd, op, fd, this.control) < 0) {
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

    private static NativeIoException failure(String syscall, int errno) {
        return new NativeIoException(syscall, errno, LinuxConstants.ERRNOS.errno(errno));
    }

}
