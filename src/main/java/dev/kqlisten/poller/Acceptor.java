package dev.kqlisten.poller;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.util.function.IntConsumer;

import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.Multiplexer;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.Sockets;

/**
 * The listening side of a {@link Poller}: accepting until EAGAIN, admission against the
 * connection limits, pausing on descriptor exhaustion, and closing the listening socket. Loop
 * thread only, like everything it touches.
 */
final class Acceptor {

    private static final Logger logger = System.getLogger(Acceptor.class.getName());

    private static final long MIN_BACKOFF_NANOS = 10_000_000L;

    private static final long MAX_BACKOFF_NANOS = 1_000_000_000L;

    private final String name;

    private final int listenFd;

    private final Multiplexer multiplexer;

    private final Sockets sockets;

    private final PollerStats stats;

    private final PollerLimits limits;

    /** Per-address counts, only when that limit is configured, so the default path pays nothing. */
    private final AddressCounts addressCounts;

    private boolean listening = true;

    /** When a paused accept is retried; 0 when not paused. */
    private long resumeNanos;

    /** The current back-off; reset by a successful accept. */
    private long backoffNanos;

    /**
     * Set by EMFILE/ENFILE, cleared by the next successful accept: one episode of exhaustion,
     * however many timer retries it takes, is logged and counted once.
     */
    private boolean exhausted;

    Acceptor(String name, int listenFd, Multiplexer multiplexer, Sockets sockets, PollerStats stats,
            PollerLimits limits) {
        this.name = name;
        this.listenFd = listenFd;
        this.multiplexer = multiplexer;
        this.sockets = sockets;
        this.stats = stats;
        this.limits = limits;
        this.addressCounts = (limits.maxConnectionsPerAddress() > 0) ? new AddressCounts() : null;
    }

    /** Accepts until EAGAIN, handing each new descriptor to {@code accepted}. */
    void acceptAll(long now, IntConsumer accepted) {
        while (this.listening) {
            int fd = this.sockets.accept(this.listenFd);
            if (fd >= 0) {
                this.backoffNanos = 0;
                this.exhausted = false;
                accepted.accept(fd);
                continue;
            }
            if (fd == Sockets.AGAIN) {
                return;
            }
            Errno errno = this.sockets.errno(this.sockets.lastErrno());
            if (errno == Errno.ECONNABORTED || errno == Errno.EINTR) {
                // The peer gave up while queued, or a signal: the next one may be fine.
                continue;
            }
            this.stats.countAcceptError(errno);
            if (errno == Errno.EMFILE || errno == Errno.ENFILE) {
                if (!this.exhausted) {
                    logger.log(Level.WARNING, "Listener ''{0}'': accept failed: {1} ({2}); accepting paused", this.name,
                            errno, errno.description());
                }
                pause(now);
            }
            else {
                logger.log(Level.WARNING, "Listener ''{0}'': accept failed: {1} ({2})", this.name, errno,
                        errno.description());
            }
            return;
        }
    }

    /**
     * Out of descriptors: stop accepting instead of spinning on a listener that stays readable.
     * The listen filter is disabled and re-enabled from a timer with doubling back-off (10 ms
     * to 1 s), or sooner when one of our connections closes and frees a descriptor. Pending
     * connections wait in the kernel's accept queue meanwhile.
     */
    private void pause(long now) {
        this.backoffNanos = Math.min(Math.max(this.backoffNanos * 2, MIN_BACKOFF_NANOS), MAX_BACKOFF_NANOS);
        this.resumeNanos = now + this.backoffNanos;
        if (!this.exhausted) {
            this.exhausted = true;
            this.stats.acceptPauses++;
        }
        if (!this.stats.acceptPaused) {
            this.stats.acceptPaused = true;
            setListenerReadable(false);
        }
    }

    /** The limit a new connection from {@code remote} would exceed, or null to admit it. */
    RejectReason admit(InetSocketAddress remote, int openConnections) {
        if (this.limits.maxConnections() > 0 && openConnections >= this.limits.maxConnections()) {
            return RejectReason.MAX_CONNECTIONS;
        }
        if (this.addressCounts != null
                && this.addressCounts.get(remote.getAddress()) >= this.limits.maxConnectionsPerAddress()) {
            return RejectReason.MAX_CONNECTIONS_PER_ADDRESS;
        }
        return null;
    }

    void connectionOpened(InetSocketAddress remote) {
        if (this.addressCounts != null) {
            this.addressCounts.increment(remote.getAddress());
        }
    }

    void connectionClosed(InetSocketAddress remote, long now) {
        if (this.addressCounts != null) {
            this.addressCounts.decrement(remote.getAddress());
        }
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
        if (this.resumeNanos != 0 && now - this.resumeNanos >= 0) {
            this.resumeNanos = 0;
            if (this.stats.acceptPaused && this.listening) {
                this.stats.acceptPaused = false;
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
            this.multiplexer.forget(this.listenFd);
            this.sockets.close(this.listenFd);
        }
    }

}
