package dev.kqlisten.boot.event;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts the connection events {@link ApplicationEventBridge} has handed to the application's
 * listeners, per kqlisten listener and {@link Kind}; read by metrics. Incremented by poller
 * threads, and by dispatch threads in executor mode, so every count is atomic.
 * <p>
 * A listener's counts are created on its first event (or first read) and kept for the life of
 * the application, so totals stay monotonic across restarts. Finding them costs one reference
 * comparison while events of one listener follow each other, and a hash lookup when the
 * listener changes.
 */
public final class PublishedEventCounter {

    /** What was published. {@link #DATA} counts reads, once per read, whatever data events it made. */
    public enum Kind {

        OPENED, DATA, MESSAGE, FRAMING_ERROR, PARTIAL_MESSAGE, WRITABILITY, PEER_CLOSED, CLOSED, REJECTED

    }

    private static final Kind[] KINDS = Kind.values();

    private final ConcurrentMap<String, Counts> byListener = new ConcurrentHashMap<>();

    /** The counts used last; a stale value only costs the lookup. Any thread. */
    private volatile Counts last;

    void increment(String listenerName, Kind kind) {
        countsOf(listenerName).counts.incrementAndGet(kind.ordinal());
    }

    /** Events of {@code kind} published for the listener named {@code listenerName}. */
    public long count(String listenerName, Kind kind) {
        Counts counts = this.byListener.get(listenerName);
        return (counts != null) ? counts.counts.get(kind.ordinal()) : 0;
    }

    private Counts countsOf(String listenerName) {
        Counts counts = this.last;
        // Every event of a poller carries the same name instance, so identity is the usual hit.
        if (counts == null || counts.listenerName != listenerName) {
            counts = this.byListener.computeIfAbsent(listenerName, Counts::new);
            this.last = counts;
        }
        return counts;
    }

    private static final class Counts {

        private final String listenerName;

        private final AtomicLongArray counts = new AtomicLongArray(KINDS.length);

        Counts(String listenerName) {
            this.listenerName = listenerName;
        }

    }

}
