package dev.kqlisten.boot.metrics;

import io.micrometer.core.instrument.binder.BaseUnits;

/**
 * Every meter kqlisten registers: name, base unit and description in one place. All but
 * {@link #EVENT_LISTENER_FAILURES} are tagged {@value #LISTENER} with the listener's name, never
 * with a peer address, so the number of series does not grow with the number of clients.
 * <p>
 * Names carry their unit as the last word where one applies, so that the Prometheus names stay
 * short: the exporter appends the base unit unless the name already ends with it, and appends
 * {@code _total} to counters ({@code kqlisten.received} in bytes is scraped as
 * {@code kqlisten_received_bytes_total}). The scraped names are listed in README.md.
 */
public enum KqlistenMeters {

    /** Gauge: the size of the live connection table, so it cannot drift or go negative. */
    ACTIVE_CONNECTIONS("kqlisten.active.connections", BaseUnits.CONNECTIONS, "Open connections of the listener"),

    ACCEPTED_CONNECTIONS("kqlisten.accepted.connections", BaseUnits.CONNECTIONS, "Connections accepted"),

    /** Tagged {@value #REASON}: a {@link dev.kqlisten.connection.CloseReason}, a bounded set. */
    CLOSED_CONNECTIONS("kqlisten.closed.connections", BaseUnits.CONNECTIONS, "Connections closed, by reason"),

    /** Tagged {@value #REASON}: a {@link dev.kqlisten.connection.RejectReason}. */
    REJECTED_CONNECTIONS("kqlisten.rejected.connections", BaseUnits.CONNECTIONS,
            "Connections closed at accept because a limit was reached, by reason"),

    /**
     * Gauge: 1 while accepting is paused, after EMFILE/ENFILE or with the descriptor budget
     * spent, else 0.
     */
    ACCEPT_PAUSED("kqlisten.accept.paused", null,
            "Whether accepting is paused because descriptors ran out or the reserve was reached (1) or not (0)"),

    /** Tagged {@value #REASON}: a {@link dev.kqlisten.poller.AcceptPauseReason}. */
    ACCEPT_PAUSES("kqlisten.accept.pauses", null,
            "Episodes of paused accepting, by reason: descriptors ran out, or the reserve was reached"),

    RECEIVED("kqlisten.received", BaseUnits.BYTES, "Bytes read from connections"),

    READS("kqlisten.reads", null, "Read calls that returned bytes"),

    /** Listeners with a framing only: whole messages, whether or not a listener received them. */
    FRAMES("kqlisten.frames", null, "Whole messages decoded by the listener's framing"),

    /** Tagged {@value #REASON}: a {@link dev.kqlisten.framing.FrameError}. */
    FRAME_ERRORS("kqlisten.frame.error.connections", BaseUnits.CONNECTIONS,
            "Connections closed because their bytes broke the framing, by reason"),

    PARTIAL_FRAMES("kqlisten.partial.frame.connections", BaseUnits.CONNECTIONS,
            "Connections that ended inside a message (the partial message was published)"),

    SENT("kqlisten.sent", BaseUnits.BYTES, "Bytes written to connections"),

    WRITES("kqlisten.writes", null, "Write calls, including those that found the send buffer full"),

    /** Gauge: bytes the application wrote that wait in connections' queues for the socket. */
    WRITE_QUEUED("kqlisten.write.queued", BaseUnits.BYTES,
            "Bytes queued for writing on the listener's connections and not yet written"),

    WRITABILITY_CHANGES("kqlisten.writability.changes", null,
            "Connections turning unwritable above the high water mark or writable again at the low one"),

    /**
     * Tagged {@value #EVENT}: opened, data, message, framing-error, partial-message, writability,
     * peer-closed, closed, rejected.
     */
    PUBLISHED_EVENTS("kqlisten.published.events", BaseUnits.EVENTS,
            "Connection events handed to the application's listeners, by event"),

    /** Application-wide (listeners of all pollers share one multicaster), so not tagged. */
    EVENT_LISTENER_FAILURES("kqlisten.event.listener.failures", null,
            "Exceptions thrown by application listeners of kqlisten events"),

    /** Tagged {@value #ERRNO}: the errno names in {@link KqlistenMetrics#ACCEPT_ERRNOS}, else OTHER. */
    ACCEPT_ERRORS("kqlisten.accept.errors", null, "Failed accepts (and accepted sockets that could not be set up), by errno"),

    POLLER_WAKEUPS("kqlisten.poller.wakeups", null, "Wake-ups of the poller requested by other threads"),

    POLLER_ITERATIONS("kqlisten.poller.iterations", null, "Returns from kevent/epoll_wait"),

    POLLER_FAILURES("kqlisten.poller.failures", null, "Unexpected exceptions caught by the poller loop"),

    /** Distribution summary, recorded once per iteration. */
    POLLER_EVENTS("kqlisten.poller.events", BaseUnits.EVENTS, "Ready events returned per kevent/epoll_wait call"),

    /** Timer, recorded once per iteration. */
    POLLER_DISPATCH("kqlisten.poller.dispatch", null,
            "Time spent handling the ready events of one wait, application listeners included"),

    // "seconds": Micrometer's BaseUnits has no constant for it.

    /** Gauge: 0 while the poller waits; grows while it is stuck, typically in a slow listener. */
    POLLER_DISPATCH_ACTIVE("kqlisten.poller.dispatch.active", "seconds",
            "How long the poller has been handling its current batch; 0 while it waits"),

    /** Gauge: grows while the poller idles, and while it is stuck. */
    POLLER_LAST_ITERATION_AGE("kqlisten.poller.last.iteration.age", "seconds",
            "Time since the poller last returned from kevent/epoll_wait");

    /** Tag naming the listener. */
    public static final String LISTENER = "listener";

    /** Tag naming a close reason. */
    public static final String REASON = "reason";

    /** Tag naming an errno. */
    public static final String ERRNO = "errno";

    /** Tag naming an event type. */
    public static final String EVENT = "event";

    private final String meterName;

    private final String baseUnit;

    private final String description;

    KqlistenMeters(String meterName, String baseUnit, String description) {
        this.meterName = meterName;
        this.baseUnit = baseUnit;
        this.description = description;
    }

    public String meterName() {
        return this.meterName;
    }

    /** The base unit, or {@code null} for a plain count. */
    public String baseUnit() {
        return this.baseUnit;
    }

    public String description() {
        return this.description;
    }

}
