package dev.kqlisten.poller;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many descriptors the connections of all pollers together may hold: the descriptor limit
 * minus the descriptors reserved for the rest of the process. Shared by the pollers of one
 * application; each accepted socket holds one slot from just before {@code accept} until it is
 * closed (a connection rejected by a limit holds it only while it is being closed).
 * <p>
 * {@link #tryAcquire()} and {@link #release()} are O(1) in the number of connections and
 * allocate nothing. A poller that paused because the budget was spent registers its
 * {@link Acceptor}; a release by any poller then tells it, so a slot freed by one listener is
 * taken up by another at once rather than at its next back-off retry.
 */
public final class DescriptorBudget {

    /** Capacity meaning no budget: the descriptor limit is unlimited or unknown. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    private final int capacity;

    private final String origin;

    private final AtomicInteger used = new AtomicInteger();

    /** Replaced whole, under {@code this}, when a poller opens or closes; read by any poller. */
    private volatile Acceptor[] acceptors = new Acceptor[0];

    /**
     * @param capacity the most descriptors connections may hold, at least 1, or {@link #UNLIMITED}
     * @param origin how the capacity was found, for log lines (e.g. "descriptor limit 1024 minus
     * 64 reserved")
     */
    public DescriptorBudget(int capacity, String origin) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        this.origin = origin;
    }

    /** A budget of its own with no limit, for a poller used alone. */
    public static DescriptorBudget unlimited() {
        return new DescriptorBudget(UNLIMITED, "no descriptor limit");
    }

    /** How the capacity was found. */
    public String origin() {
        return this.origin;
    }

    /** The most descriptors connections may hold, or {@link #UNLIMITED}. */
    public int capacity() {
        return this.capacity;
    }

    /** Descriptors held by connections now. */
    public int used() {
        return this.used.get();
    }

    public boolean isUnlimited() {
        return this.capacity == UNLIMITED;
    }

    @Override
    public String toString() {
        return (isUnlimited() ? "unlimited" : this.capacity + " descriptors") + " (" + this.origin + ")";
    }

    /** Takes one slot, or returns false when all are taken. */
    boolean tryAcquire() {
        int current;
        do {
            current = this.used.get();
            if (current >= this.capacity) {
                return false;
            }
        }
        while (!this.used.compareAndSet(current, current + 1));
        return true;
    }

    /** Gives one slot back and tells every poller waiting for one. */
    void release() {
        this.used.decrementAndGet();
        // After the decrement: a waiter that registered its wait before this read is told; one
        // that registers after it finds the slot when it retries (see Acceptor#acceptAll).
        for (Acceptor acceptor : this.acceptors) {
            acceptor.slotFreed();
        }
    }

    synchronized void register(Acceptor acceptor) {
        Acceptor[] current = this.acceptors;
        Acceptor[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = acceptor;
        this.acceptors = next;
    }

    synchronized void unregister(Acceptor acceptor) {
        this.acceptors = Arrays.stream(this.acceptors).filter((a) -> a != acceptor).toArray(Acceptor[]::new);
    }

}
