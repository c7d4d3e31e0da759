package dev.kqlisten.boot.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import dev.kqlisten.poller.PollerObserver;
import dev.kqlisten.poller.PollerStats;

/**
 * The counters of every poller one listener has had (a listener may have several, and a stop
 * and start creates new ones), so that totals are sums over its pollers and stay monotonic
 * across restarts, plus the iteration meters its loops feed. No meter is per poller.
 */
final class ListenerStats implements PollerObserver {

    private static final double[] EVENTS_PER_WAIT_BUCKETS = { 1, 4, 16, 64, 256, 1024 };

    private static final Duration[] DISPATCH_BUCKETS = { Duration.ofNanos(100_000), Duration.ofMillis(1),
            Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(10) };

    /** Appended by the starting thread, read by metrics. */
    private final List<PollerStats> generations = new CopyOnWriteArrayList<>();

    /** The pollers of the current start; empty before the first. */
    private volatile List<PollerStats> current = List.of();

    /** Set when bound to a registry; read by the poller thread. */
    private volatile DistributionSummary events;

    private volatile Timer dispatch;

    void started(List<PollerStats> pollers) {
        this.generations.addAll(pollers);
        this.current = List.copyOf(pollers);
    }

    /** Registers the meters the loop feeds, {@link KqlistenMeters#POLLER_EVENTS} and {@link KqlistenMeters#POLLER_DISPATCH}. */
    void bindIterationMeters(MeterRegistry registry, Tags tags) {
        this.events = DistributionSummary.builder(KqlistenMeters.POLLER_EVENTS.meterName())
            .description(KqlistenMeters.POLLER_EVENTS.description())
            .baseUnit(KqlistenMeters.POLLER_EVENTS.baseUnit())
            .serviceLevelObjectives(EVENTS_PER_WAIT_BUCKETS)
            .tags(tags)
            .register(registry);
        this.dispatch = Timer.builder(KqlistenMeters.POLLER_DISPATCH.meterName())
            .description(KqlistenMeters.POLLER_DISPATCH.description())
            .serviceLevelObjectives(DISPATCH_BUCKETS)
            .tags(tags)
            .register(registry);
    }

    /** Sum of {@code counter} over every poller of this listener: a monotonic total. */
    double total(ToLongFunction<PollerStats> counter) {
        long sum = 0;
        for (PollerStats stats : this.generations) {
            sum += counter.applyAsLong(stats);
        }
        return sum;
    }

    /**
     * The current pollers' counters as one ({@link PollerStats#sum}: gauges summed, the oldest
     * wake-up and dispatch), or {@code null} before the first start.
     */
    PollerStats current() {
        List<PollerStats> pollers = this.current;
        return pollers.isEmpty() ? null : PollerStats.sum(pollers);
    }

    /** How long the current pollers' longest dispatch has lasted; 0 while all wait or before a start. */
    double dispatchActiveSeconds() {
        PollerStats stats = current();
        long started = (stats != null) ? stats.dispatchStartedNanos() : 0;
        return (started == 0) ? 0 : secondsSince(started);
    }

    /** Time since the current poller that woke least recently returned from its wait; NaN before a start. */
    double lastIterationAgeSeconds() {
        PollerStats stats = current();
        return (stats != null) ? secondsSince(stats.lastWakeNanos()) : Double.NaN;
    }

    private static double secondsSince(long nanoTime) {
        return Math.max(0, System.nanoTime() - nanoTime) / 1e9;
    }

    /** Each poller thread, once per iteration: two pre-registered meters, no lookup. */
    @Override
    public void iterated(int events, long dispatchNanos) {
        DistributionSummary summary = this.events;
        Timer timer = this.dispatch;
        if (summary != null && timer != null) {
            summary.record(events);
            timer.record(dispatchNanos, TimeUnit.NANOSECONDS);
        }
    }

}
