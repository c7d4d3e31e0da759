package dev.kqlisten.boot.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.kqlisten.boot.event.EventListenerFailureCounter;
import dev.kqlisten.boot.event.PublishedEventCounter;
import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.framing.FrameError;
import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.poller.AcceptPauseReason;
import dev.kqlisten.poller.PollerObserver;
import dev.kqlisten.poller.PollerStats;
import dev.kqlisten.server.PollerObservers;

/**
 * Binds the {@link KqlistenMeters} of every configured listener to a registry: function
 * counters and gauges read the {@link PollerStats} of the listener's pollers from the scraping
 * thread, and the loop feeds only a distribution summary and a timer registered here, once per
 * iteration. Nothing in the loop looks a meter up. The two event meters read the counters of
 * the place where events are published: {@link PublishedEventCounter} and
 * {@link EventListenerFailureCounter}.
 */
public class KqlistenMetrics implements MeterBinder, PollerObservers {

    /** The errnos accept(2) reports for a listener in trouble; any other is tagged OTHER. */
    static final List<Errno> ACCEPT_ERRNOS = List.of(Errno.EMFILE, Errno.ENFILE, Errno.ENOBUFS, Errno.EBADF,
            Errno.EINVAL);

    private final Map<String, ListenerStats> listeners = new LinkedHashMap<>();

    private final EventListenerFailureCounter listenerFailures;

    private final PublishedEventCounter published;

    /**
     * @param listenerNames the configured listeners; their meters exist from the start, at 0
     * @param listenerFailures the application-wide count of failed event listeners
     * @param published the events handed to the application's listeners
     */
    public KqlistenMetrics(List<String> listenerNames, EventListenerFailureCounter listenerFailures,
            PublishedEventCounter published) {
        listenerNames.forEach((name) -> this.listeners.put(name, new ListenerStats()));
        this.listenerFailures = listenerFailures;
        this.published = published;
    }

    @Override
    public PollerObserver starting(String listenerName, List<PollerStats> pollers) {
        ListenerStats listener = this.listeners.get(listenerName);
        if (listener == null) {
            return PollerObserver.NONE;
        }
        listener.started(pollers);
        return listener;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.listeners.forEach((name, listener) -> {
            Tags tags = Tags.of(KqlistenMeters.LISTENER, name);
            bind(registry, tags, listener);
            bindPublished(registry, tags, name);
        });
        FunctionCounter
            .builder(KqlistenMeters.EVENT_LISTENER_FAILURES.meterName(), this.listenerFailures,
                    EventListenerFailureCounter::count)
            .description(KqlistenMeters.EVENT_LISTENER_FAILURES.description())
            .register(registry);
    }

    private void bindPublished(MeterRegistry registry, Tags tags, String listenerName) {
        for (PublishedEventCounter.Kind kind : PublishedEventCounter.Kind.values()) {
            FunctionCounter
                .builder(KqlistenMeters.PUBLISHED_EVENTS.meterName(), this.published,
                        (published) -> published.count(listenerName, kind))
                .description(KqlistenMeters.PUBLISHED_EVENTS.description())
                .baseUnit(KqlistenMeters.PUBLISHED_EVENTS.baseUnit())
                .tags(tags.and(KqlistenMeters.EVENT, eventTag(kind)))
                .register(registry);
        }
    }

    /** The {@value KqlistenMeters#EVENT} tag of {@code kind}, as README lists it. */
    static String eventTag(PublishedEventCounter.Kind kind) {
        return switch (kind) {
            case OPENED -> "opened";
            case DATA -> "data";
            case MESSAGE -> "message";
            case FRAMING_ERROR -> "framing-error";
            case PARTIAL_MESSAGE -> "partial-message";
            case WRITABILITY -> "writability";
            case PEER_CLOSED -> "peer-closed";
            case CLOSED -> "closed";
            case REJECTED -> "rejected";
        };
    }

    private void bind(MeterRegistry registry, Tags tags, ListenerStats listener) {
        gauge(registry, KqlistenMeters.ACTIVE_CONNECTIONS, tags, listener, (l) -> current(l, PollerStats::activeConnections));
        counter(registry, KqlistenMeters.ACCEPTED_CONNECTIONS, tags, listener, PollerStats::accepted);
        for (CloseReason reason : CloseReason.values()) {
            counter(registry, KqlistenMeters.CLOSED_CONNECTIONS, tags.and(KqlistenMeters.REASON, reason.name()),
                    listener, (s) -> s.closed(reason));
        }
        for (RejectReason reason : RejectReason.values()) {
            counter(registry, KqlistenMeters.REJECTED_CONNECTIONS, tags.and(KqlistenMeters.REASON, reason.name()),
                    listener, (s) -> s.rejected(reason));
        }
        gauge(registry, KqlistenMeters.ACCEPT_PAUSED, tags, listener,
                (l) -> current(l, (s) -> s.acceptPaused() ? 1 : 0));
        for (AcceptPauseReason reason : AcceptPauseReason.values()) {
            counter(registry, KqlistenMeters.ACCEPT_PAUSES, tags.and(KqlistenMeters.REASON, reason.name()), listener,
                    (s) -> s.acceptPauses(reason));
        }
        counter(registry, KqlistenMeters.RECEIVED, tags, listener, PollerStats::bytesRead);
        counter(registry, KqlistenMeters.READS, tags, listener, PollerStats::reads);
        counter(registry, KqlistenMeters.FRAMES, tags, listener, PollerStats::frames);
        for (FrameError error : FrameError.values()) {
            counter(registry, KqlistenMeters.FRAME_ERRORS, tags.and(KqlistenMeters.REASON, error.name()), listener,
                    (s) -> s.frameErrors(error));
        }
        counter(registry, KqlistenMeters.PARTIAL_FRAMES, tags, listener, PollerStats::partialFrames);
        counter(registry, KqlistenMeters.SENT, tags, listener, PollerStats::bytesWritten);
        counter(registry, KqlistenMeters.WRITES, tags, listener, PollerStats::writes);
        gauge(registry, KqlistenMeters.WRITE_QUEUED, tags, listener, (l) -> current(l, PollerStats::writeQueueBytes));
        counter(registry, KqlistenMeters.WRITABILITY_CHANGES, tags, listener, PollerStats::writabilityChanges);
        for (Errno errno : ACCEPT_ERRNOS) {
            counter(registry, KqlistenMeters.ACCEPT_ERRORS, tags.and(KqlistenMeters.ERRNO, errno.name()), listener,
                    (s) -> s.acceptErrors(errno));
        }
        counter(registry, KqlistenMeters.ACCEPT_ERRORS, tags.and(KqlistenMeters.ERRNO, "OTHER"), listener,
                KqlistenMetrics::otherAcceptErrors);
        counter(registry, KqlistenMeters.POLLER_WAKEUPS, tags, listener, PollerStats::wakeups);
        counter(registry, KqlistenMeters.POLLER_ITERATIONS, tags, listener, PollerStats::loopIterations);
        counter(registry, KqlistenMeters.POLLER_FAILURES, tags, listener, PollerStats::loopFailures);
        gauge(registry, KqlistenMeters.POLLER_DISPATCH_ACTIVE, tags, listener, ListenerStats::dispatchActiveSeconds);
        gauge(registry, KqlistenMeters.POLLER_LAST_ITERATION_AGE, tags, listener,
                ListenerStats::lastIterationAgeSeconds);
        listener.bindIterationMeters(registry, tags);
    }

    private static long otherAcceptErrors(PollerStats stats) {
        long listed = 0;
        for (Errno errno : ACCEPT_ERRNOS) {
            listed += stats.acceptErrors(errno);
        }
        return stats.acceptErrors() - listed;
    }

    private static double current(ListenerStats listener, ToLongFunction<PollerStats> value) {
        PollerStats stats = listener.current();
        return (stats != null) ? value.applyAsLong(stats) : 0;
    }

    private static void counter(MeterRegistry registry, KqlistenMeters meter, Tags tags, ListenerStats listener,
            ToLongFunction<PollerStats> count) {
        FunctionCounter.builder(meter.meterName(), listener, (l) -> l.total(count))
            .description(meter.description())
            .baseUnit(meter.baseUnit())
            .tags(tags)
            .register(registry);
    }

    private static void gauge(MeterRegistry registry, KqlistenMeters meter, Tags tags, ListenerStats listener,
            ToDoubleFunction<ListenerStats> value) {
        Gauge.builder(meter.meterName(), listener, value)
            .description(meter.description())
            .baseUnit(meter.baseUnit())
            .tags(tags)
            .strongReference(true)
            .register(registry);
    }

}
