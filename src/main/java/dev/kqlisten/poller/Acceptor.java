package dev.kqlisten.poller;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.nativeio.AcceptedPeer;
import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.Multiplexer;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.Sockets;

/**
 * The listening side of a {@link Poller}: accepting until EAGAIN, the descriptor budget,
 * admission against the connection limits, pausing when descriptors run out, and closing the
 * listening socket. Loop thread only, like everything it touches, except {@link #slotFreed()}
 * and the {@link ConnectionCounts} it shares with the listener's other pollers. A poller that
 * only serves connections another one accepted has an acceptor without a listening socket,
 * which admits and counts but never accepts.
 */
final class Acceptor {

    private static final Logger logger = System.getLogger(Acceptor.class.getName());

    private static final long MIN_BACKOFF_NANOS = 10_000_000L;

    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

    /** At most one pause warning per listener in this time; the others are counted and summed up. */
    private static final long WARN_INTERVAL_NANOS = 10_000_000_000L;

    private static final long EPISODE_GAP_NANOS = 1_000_000_000L;

    private final String name;

    private final int listenFd;

    private final Multiplexer multiplexer;

    private final Sockets sockets;

    private final PollerStats stats;

    private final DescriptorBudget budget;

    /** Wakes the loop from another thread; a no-op on the loop thread. */
    private final Runnable wakeup;

    /** The listener's open connections, shared by its pollers. */
    private final ConnectionCounts counts;

    /** Filled by each accept and handed to the poller; reused, so accepting allocates nothing. */
    private final AcceptedPeer peer = new AcceptedPeer();

    private boolean listening;

    /** When a paused accept is retried; 0 when not paused or waiting for a slot without a timer. */
    private long resumeNanos;

    /** The current back-off; reset by a successful accept. */
    private long backoffNanos;

    /**
     * Set by EMFILE/ENFILE, cleared by the next successful accept: one episode of exhaustion,
     * however many timer retries it takes, is counted once.
     */
    private boolean exhausted;

    /**
     * Set when the budget is spent and a client is pending. While it stays spent, each closing
     * connection lets one client in and the next pauses again, all in one episode. The episode
     * ends when accepting catches up with the accept queue (EAGAIN), or when accepting ran
     * unpaused for {@link #EPISODE_GAP_NANOS} before the next pause: with the budget exactly
     * spent the queue may be empty, and then no EAGAIN is ever seen.
     */
    private boolean overBudget;

    private long overBudgetSinceNanos;

    /** When the listen filter was last enabled again. */
    private long resumedNanos;

    /** Set before the last retry for a slot; read by other pollers' {@link #slotFreed()}. */
    private volatile boolean waitingForSlot;

    /** Set by {@link #slotFreed()} on any thread; taken by {@link #runTimer}. */
    private volatile boolean slotFreed;

    /** When the last pause warning was logged, and how many were held back since. */
    private long lastWarningNanos;

    private boolean warned;

    private int suppressedWarnings;

    /**
     * @param listenFd the listening socket, or -1 for a poller that is handed its connections
     */
    Acceptor(String name, int listenFd, Multiplexer multiplexer, Sockets sockets, PollerStats stats,
            ConnectionCounts counts, DescriptorBudget budget, Runnable wakeup) {
        this.name = name;
        this.listenFd = listenFd;
        this.multiplexer = multiplexer;
        this.sockets = sockets;
        this.stats = stats;
        this.counts = counts;
        this.budget = budget;
        this.wakeup = wakeup;
        this.listening = listenFd >= 0;
        if (this.listening) {
            budget.register(this);
        }
    }

    /**
     * Accepts until EAGAIN, handing each new descriptor and its peer to {@code accepted}, which
     * must not keep the cursor. Each accept first
     * takes a slot of the descriptor budget; the descriptor keeps it until the poller closes it
     * and calls {@link #descriptorClosed()}.
     */
    void acceptAll(long now, Consumer<AcceptedPeer> accepted) {
        while (this.listening) {
            if (!this.budget.tryAcquire() && !retryAsWaiter()) {
                pause(now, AcceptPauseReason.DESCRIPTOR_RESERVE, null);
                return;
            }
            int fd = this.sockets.accept(this.listenFd, this.peer);
            if (fd >= 0) {
                this.backoffNanos = 0;
                this.exhausted = false;
                accepted.accept(this.peer);
                continue;
            }
            this.budget.release();
            if (fd == Sockets.AGAIN) {
                caughtUp(now);
                return;
            }
            Errno errno = this.sockets.errno(-fd);
            if (errno == Errno.ECONNABORTED || errno == Errno.EINTR) {
                // The peer gave up while queued, or a signal: the next one may be fine.
                continue;
            }
            this.stats.countAcceptError(errno);
            if (errno == Errno.EMFILE || errno == Errno.ENFILE) {
                pause(now, AcceptPauseReason.DESCRIPTORS_EXHAUSTED, errno);
            }
            else {
                logger.log(Level.WARNING, "Listener ''{0}'': accept failed: {1} ({2})", this.name, errno,
                        errno.description());
            }
            return;
        }
    }

    /**
     * The budget is spent: announce the wait, then try once more. A poller that frees a slot
     * after this flag is set sees it and wakes this one; one that freed it before is seen by the
     * retry. Either way no freed slot goes unnoticed.
     */
    private boolean retryAsWaiter() {
        this.waitingForSlot = true;
        if (this.budget.tryAcquire()) {
            this.waitingForSlot = false;
            return true;
        }
        return false;
    }

    /** Any thread: a connection of some poller closed and gave its slot back. */
    void slotFreed() {
        if (this.waitingForSlot) {
            this.slotFreed = true;
            this.wakeup.run();
        }
    }

    /** The poller closed a descriptor {@link #acceptAll} handed it (a connection, or a rejected socket). */
    void descriptorClosed() {
        this.budget.release();
    }

    /**
     * Stop accepting instead of spinning on a listener that stays readable: the listen filter is
     * disabled and pending connections wait in the kernel's accept queue. It is enabled again as
     * soon as a connection closes and frees a descriptor. After EMFILE/ENFILE, whose cause may
     * lie outside kqlisten, also from a timer with doubling back-off (10 ms to 1 s); a spent
     * budget needs no timer, since only a closing connection can refill it.
     */
    private void pause(long now, AcceptPauseReason reason, Errno errno) {
        boolean newEpisode;
        if (reason == AcceptPauseReason.DESCRIPTORS_EXHAUSTED) {
            this.backoffNanos = Math.min(Math.max(this.backoffNanos * 2, MIN_BACKOFF_NANOS), MAX_BACKOFF_NANOS);
            this.resumeNanos = now + this.backoffNanos;
            newEpisode = !this.exhausted;
            this.exhausted = true;
        }
        else {
            newEpisode = !this.overBudget || now - this.resumedNanos >= EPISODE_GAP_NANOS;
            if (newEpisode) {
                this.overBudget = true;
                this.overBudgetSinceNanos = now;
            }
        }
        if (newEpisode) {
            this.stats.countAcceptPause(reason);
            warn(now, reason, errno);
        }
        if (!this.stats.acceptPaused) {
            this.stats.acceptPaused = true;
            setListenerReadable(false);
        }
    }

    /** One WARN per episode, and at most one per {@link #WARN_INTERVAL_NANOS}; never one per retry. */
    private void warn(long now, AcceptPauseReason reason, Errno errno) {
        if (this.warned && now - this.lastWarningNanos < WARN_INTERVAL_NANOS) {
            this.suppressedWarnings++;
            return;
        }
        String earlier = (this.suppressedWarnings > 0)
                ? " (" + this.suppressedWarnings + " more pauses since the last warning)" : "";
        this.warned = true;
        this.lastWarningNanos = now;
        this.suppressedWarnings = 0;
        if (reason == AcceptPauseReason.DESCRIPTORS_EXHAUSTED) {
            logger.log(Level.WARNING, "Listener ''{0}'': accept failed: {1} ({2}); accepting paused{3}", this.name,
                    errno, errno.description(), earlier);
        }
        else {
            logger.log(Level.WARNING, "Listener ''{0}'': kqlisten''s connections hold all {1} descriptors they may "
                    + "use ({2}); accepting paused until one closes, pending clients wait in the accept queue{3}",
                    this.name, this.budget.capacity(), this.budget.origin(), earlier);
        }
    }

    /** Accepting reached EAGAIN: the queue is empty, so a spent-budget episode is over. */
    private void caughtUp(long now) {
        if (this.overBudget) {
            this.overBudget = false;
            logger.log(Level.INFO, "Listener ''{0}'': accepting caught up after {1} ms at the descriptor budget",
                    this.name, (now - this.overBudgetSinceNanos) / 1_000_000);
        }
    }

    /**
     * The limit a new connection from {@code remote} would exceed across the listener's pollers,
     * or null when it is admitted; an admitted connection holds its place until
     * {@link #connectionClosed} (also when it fails to open after this).
     */
    RejectReason admit(InetSocketAddress remote) {
        return this.counts.tryOpen(remote.getAddress());
    }

    /** An admitted connection's descriptor is closed: its place and its descriptor slot are free. */
    void connectionClosed(InetSocketAddress remote, long now) {
        this.counts.closed(remote.getAddress());
        descriptorClosed();
        if (this.stats.acceptPaused) {
            // A descriptor was just freed: retry at the next timer check rather than after the back-off.
            this.resumeNanos = now;
        }
    }

    /** When {@link #runTimer} next has work, or 0. */
    long deadline() {
        return this.resumeNanos;
    }

    void runTimer(long now) {
        if (this.slotFreed) {
            // Another poller's connection closed (this poller's own closes set resumeNanos directly).
            this.slotFreed = false;
            if (this.stats.acceptPaused) {
                this.resumeNanos = now;
            }
        }
        if (this.resumeNanos != 0 && now - this.resumeNanos >= 0) {
            this.resumeNanos = 0;
            if (this.stats.acceptPaused && this.listening) {
                this.waitingForSlot = false;
                this.stats.acceptPaused = false;
                this.resumedNanos = now;
                setListenerReadable(true);
            }
        }
    }

    private void setListenerReadable(boolean readable) {
        try {
            this.multiplexer.setReadable(this.listenFd, Poller.LISTENER_ID, readable);
        }
        catch (NativeIoException ex) {
            logger.log(Level.WARNING, "Listener '" + this.name + "': could not change the listen filter", ex);
        }
    }

    /** Closes the listening socket (once): new connections are refused, the port is free again. */
    void close() {
        if (this.listening) {
            this.listening = false;
            this.resumeNanos = 0;
            this.waitingForSlot = false;
            this.budget.unregister(this);
            this.multiplexer.forget(this.listenFd);
            this.sockets.close(this.listenFd);
        }
    }

}
