package dev.kqlisten.poller;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

import dev.kqlisten.connection.RejectReason;

/**
 * The open connections of one listener, counted across all of its pollers, against
 * {@code max-connections} and {@code max-connections-per-address}. Any poller thread.
 * <p>
 * {@link #tryOpen} checks and takes a place in one step, so two pollers admitting at once
 * cannot both take the last one. Each limit is counted only when it is set: with none, an
 * admission reads two fields and allocates nothing.
 */
public final class ConnectionCounts {

    private final int maxConnections;

    private final int maxConnectionsPerAddress;

    /** Open connections, counted only when {@link #maxConnections} is set. */
    private final AtomicInteger open = new AtomicInteger();

    /** Per-address counts, only when that limit is set; guarded by itself. */
    private final AddressCounts addresses;

    public ConnectionCounts(PollerLimits limits) {
        this.maxConnections = limits.maxConnections();
        this.maxConnectionsPerAddress = limits.maxConnectionsPerAddress();
        this.addresses = (this.maxConnectionsPerAddress > 0) ? new AddressCounts() : null;
    }

    /**
     * Takes a place for a new connection from {@code address}, or returns the limit it would
     * exceed and takes nothing. A place taken is given back by {@link #closed}.
     */
    RejectReason tryOpen(InetAddress address) {
        if (this.maxConnections > 0 && !tryIncrement()) {
            return RejectReason.MAX_CONNECTIONS;
        }
        if (this.addresses != null) {
            boolean admitted;
            synchronized (this.addresses) {
                admitted = this.addresses.get(address) < this.maxConnectionsPerAddress;
                if (admitted) {
                    this.addresses.increment(address);
                }
            }
            if (!admitted) {
                if (this.maxConnections > 0) {
                    this.open.decrementAndGet();
                }
                return RejectReason.MAX_CONNECTIONS_PER_ADDRESS;
            }
        }
        return null;
    }

    private boolean tryIncrement() {
        int current;
        do {
            current = this.open.get();
            if (current >= this.maxConnections) {
                return false;
            }
        }
        while (!this.open.compareAndSet(current, current + 1));
        return true;
    }

    /** A connection admitted by {@link #tryOpen} has closed. */
    void closed(InetAddress address) {
        if (this.maxConnections > 0) {
            this.open.decrementAndGet();
        }
        if (this.addresses != null) {
            synchronized (this.addresses) {
                this.addresses.decrement(address);
            }
        }
    }

    /** Open connections of the listener when {@code max-connections} is set, else 0. */
    int open() {
        return this.open.get();
    }

}
