package dev.kqlisten.boot.metrics;

import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.kqlisten.boot.event.EventListenerFailureCounter;
import dev.kqlisten.boot.event.PublishedEventCounter;
import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.Multiplexers;
import dev.kqlisten.poller.AcceptSpreading;
import dev.kqlisten.poller.Poller;
import dev.kqlisten.poller.PollerConfig;
import dev.kqlisten.poller.PollerGroup;
import dev.kqlisten.poller.PollerListener;
import dev.kqlisten.poller.PollerObserver;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every meter of {@link KqlistenMetrics}, looked up by name and tags in a
 * {@link SimpleMeterRegistry}, after known traffic through a real poller on each backend: what
 * Prometheus and the README table rely on.
 */
@Tag("kqueue")
@Timeout(120)
class KqlistenMetricsTests {

    private static final int BYTES = 1000;

    private static final int REPLY = 1500;

    @Test
    void metersExistAtZeroBeforeTheListenerStarts() {
        MeterRegistry registry = new SimpleMeterRegistry();
        new KqlistenMetrics(List.of("a", "b"), new EventListenerFailureCounter(),
                new PublishedEventCounter()).bindTo(registry);
        for (String name : List.of("a", "b")) {
            assertThat(registry.get("kqlisten.accepted.connections").tag("listener", name).functionCounter().count())
                .isZero();
            assertThat(registry.get("kqlisten.active.connections").tag("listener", name).gauge().value()).isZero();
            assertThat(registry.get("kqlisten.poller.last.iteration.age").tag("listener", name).gauge().value())
                .isNaN();
        }
        assertThat(registry.get("kqlisten.closed.connections").tag("listener", "a").functionCounters())
            .hasSize(CloseReason.values().length);
        assertThat(registry.get("kqlisten.event.listener.failures").functionCounter().getId().getTags()).isEmpty();
        assertThat(registry.get("kqlisten.accept.pauses").tag("listener", "a").functionCounters())
            .extracting((counter) -> counter.getId().getTag("reason"))
            .containsExactlyInAnyOrder("DESCRIPTORS_EXHAUSTED", "DESCRIPTOR_RESERVE");
    }

    /**
     * A listener's meters sum its pollers: two pollers in hand-off mode get one connection each,
     * and the listener's meters show both, with no meter per poller.
     */
    @BackendTest
    void metersSumTheListenersPollers(TestBackend backend) throws Exception {
        backend.assumeAvailable();
        MeterRegistry registry = new SimpleMeterRegistry();
        KqlistenMetrics metrics = new KqlistenMetrics(List.of("it"), new EventListenerFailureCounter(),
                new PublishedEventCounter());
        metrics.bindTo(registry);
        Events events = new Events();
        PollerGroup group = PollerGroup.open(new PollerConfig("it", new ListenSpec(InetAddress.getLoopbackAddress(), 0,
                0, true, false, false), 64 * 1024), 2, AcceptSpreading.HANDOFF,
                () -> Multiplexers.open(backend.options(64, 64 * 1024)), 64, () -> events);
        PollerObserver observer = metrics.starting("it", group.pollers().stream().map(Poller::stats).toList());
        List<Thread> threads = new ArrayList<>();
        for (Poller poller : group.pollers()) {
            poller.observe(observer);
            Thread thread = new Thread(poller, "kqlisten-poller-it-" + (threads.size() + 1));
            threads.add(thread);
            thread.start();
        }
        try {
            int port = group.localAddress().getPort();
            try (Socket a = new Socket(InetAddress.getLoopbackAddress(), port);
                    Socket b = new Socket(InetAddress.getLoopbackAddress(), port)) {
                events.take("opened");
                events.take("opened");
                assertThat(group.pollers()).allSatisfy((poller) -> assertThat(poller.stats().accepted()).isOne());
                assertThat(gauge(registry, "kqlisten.active.connections")).isEqualTo(2);
                a.getOutputStream().write(new byte[BYTES]);
                b.getOutputStream().write(new byte[BYTES]);
                events.awaitBytes(2 * BYTES);
            }
            events.take("closed:PEER_CLOSED");
            events.take("closed:PEER_CLOSED");
            assertThat(counter(registry, "kqlisten.accepted.connections", Tags.empty())).isEqualTo(2);
            assertThat(counter(registry, "kqlisten.received", Tags.empty())).isEqualTo(2 * BYTES);
            assertThat(counter(registry, "kqlisten.closed.connections", Tags.of("reason", "PEER_CLOSED"))).isEqualTo(2);
            assertThat(gauge(registry, "kqlisten.active.connections")).isZero();
            assertThat(registry.get("kqlisten.accepted.connections").functionCounters()).hasSize(1);
        }
        finally {
            group.shutdown();
            for (Thread thread : threads) {
                thread.join(10_000);
            }
        }
    }

    @BackendTest
    void everyMeterCountsKnownTraffic(TestBackend backend) throws Exception {
        backend.assumeAvailable();
        MeterRegistry registry = new SimpleMeterRegistry();
        KqlistenMetrics metrics = new KqlistenMetrics(List.of("it"), new EventListenerFailureCounter(),
                new PublishedEventCounter());
        metrics.bindTo(registry);
        Events events = new Events();
        Poller poller = Poller.open(new PollerConfig("it", new ListenSpec(InetAddress.getLoopbackAddress(), 0, 0, true,
                false, false), 64 * 1024), Multiplexers.open(backend.options(64, 64 * 1024)), 64, events);
        poller.observe(metrics.starting("it", List.of(poller.stats())));
        Thread thread = new Thread(poller, "kqlisten-poller-it");
        thread.start();
        try {
            int port = poller.localAddress().getPort();
            // Two connections send BYTES each and half-close (PEER_CLOSED), one resets (RESET) and
            // one is closed by an operator after its bytes arrived (OPERATOR).
            try (Socket a = new Socket(InetAddress.getLoopbackAddress(), port);
                    Socket b = new Socket(InetAddress.getLoopbackAddress(), port);
                    Socket reset = new Socket(InetAddress.getLoopbackAddress(), port);
                    Socket operator = new Socket(InetAddress.getLoopbackAddress(), port)) {
                for (int i = 0; i < 4; i++) {
                    events.take("opened");
                }
                assertThat(gauge(registry, "kqlisten.active.connections")).isEqualTo(4);
                operator.getOutputStream().write(new byte[BYTES]);
                long operatorId = events.awaitBytes(BYTES);
                assertThat(poller.close(operatorId, CloseReason.OPERATOR).get(30, TimeUnit.SECONDS)).isTrue();
                events.take("closed:OPERATOR");
                // The server writes REPLY bytes to a, which reads them all (kqlisten.sent).
                a.getOutputStream().write(new byte[BYTES]);
                long aId = events.awaitBytes(2 * BYTES);
                assertThat(poller.writer(aId).write(new byte[REPLY]).isQueued()).isTrue();
                assertThat(a.getInputStream().readNBytes(REPLY)).hasSize(REPLY);
                for (Socket client : List.of(a, b)) {
                    client.getOutputStream().write(new byte[BYTES]);
                    client.shutdownOutput();
                }
                events.take("closed:PEER_CLOSED");
                events.take("closed:PEER_CLOSED");
                reset.setSoLinger(true, 0);
                reset.close();
                events.take("closed:RESET");
            }
            assertThat(counter(registry, "kqlisten.accepted.connections", Tags.empty())).isEqualTo(4);
            assertThat(counter(registry, "kqlisten.closed.connections", Tags.of("reason", "PEER_CLOSED"))).isEqualTo(2);
            assertThat(counter(registry, "kqlisten.closed.connections", Tags.of("reason", "RESET"))).isEqualTo(1);
            assertThat(counter(registry, "kqlisten.closed.connections", Tags.of("reason", "OPERATOR"))).isEqualTo(1);
            assertThat(counter(registry, "kqlisten.closed.connections", Tags.of("reason", "ERROR"))).isZero();
            assertThat(gauge(registry, "kqlisten.active.connections")).isZero();
            assertThat(counter(registry, "kqlisten.received", Tags.empty())).isEqualTo(4 * BYTES);
            assertThat(counter(registry, "kqlisten.sent", Tags.empty())).isEqualTo(REPLY);
            assertThat(registry.get("kqlisten.sent").functionCounter().getId().getBaseUnit()).isEqualTo("bytes");
            assertThat(counter(registry, "kqlisten.writes", Tags.empty())).isGreaterThanOrEqualTo(1);
            assertThat(gauge(registry, "kqlisten.write.queued")).isZero();
            assertThat(counter(registry, "kqlisten.writability.changes", Tags.empty())).isZero();
            assertThat(registry.get("kqlisten.received").functionCounter().getId().getBaseUnit()).isEqualTo("bytes");
            assertThat(counter(registry, "kqlisten.reads", Tags.empty())).isEqualTo(events.reads);
            // Counted where the application's events are published (PublishedEventsIntegrationTests),
            // not inferred from the poller: this poller's listener publishes nothing.
            assertThat(registry.get("kqlisten.published.events").tag("listener", "it").functionCounters())
                .hasSize(9)
                .allSatisfy((published) -> assertThat(published.count()).isZero());
            assertThat(counter(registry, "kqlisten.accept.errors", Tags.of("errno", "OTHER"))).isZero();
            assertThat(counter(registry, "kqlisten.accept.errors", Tags.of("errno", "EMFILE"))).isZero();
            // The operator's close request woke the loop from another thread.
            assertThat(counter(registry, "kqlisten.poller.wakeups", Tags.empty())).isGreaterThanOrEqualTo(1);
            double iterations = counter(registry, "kqlisten.poller.iterations", Tags.empty());
            assertThat(iterations).isGreaterThanOrEqualTo(4);
            assertThat(counter(registry, "kqlisten.poller.failures", Tags.empty())).isZero();
            // The observer runs after the iteration's counters, so it may trail by the current one.
            assertThat(registry.get("kqlisten.poller.events").tag("listener", "it").summary().count())
                .isBetween((long) iterations - 1, (long) iterations);
            assertThat(registry.get("kqlisten.poller.events").summary().totalAmount()).isPositive();
            assertThat(registry.get("kqlisten.poller.dispatch").timer().count())
                .isBetween((long) iterations - 1, (long) iterations);
            assertThat(gauge(registry, "kqlisten.poller.dispatch.active")).isGreaterThanOrEqualTo(0);
            assertThat(gauge(registry, "kqlisten.poller.last.iteration.age")).isBetween(0.0, 60.0);
            assertThat(registry.get("kqlisten.event.listener.failures").functionCounter().count()).isZero();
        }
        finally {
            poller.shutdown();
            thread.join(30_000);
        }
        assertThat(thread.isAlive()).isFalse();
        // Totals stay monotonic across a restart: a new poller of the same listener adds to them.
        metrics.starting("it", List.of(new dev.kqlisten.poller.PollerStats()));
        assertThat(counter(registry, "kqlisten.accepted.connections", Tags.empty())).isEqualTo(4);
        assertThat(gauge(registry, "kqlisten.active.connections")).isZero();
    }

    private static double counter(MeterRegistry registry, String name, Tags tags) {
        return registry.get(name).tag("listener", "it").tags(tags).functionCounter().count();
    }

    private static double gauge(MeterRegistry registry, String name) {
        return registry.get(name).tag("listener", "it").gauge().value();
    }

    /** Poller callbacks as strings, for the test thread to wait on. */
    static final class Events implements PollerListener {

        private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();

        volatile long reads;

        private volatile long bytes;

        private volatile long lastReadId;

        @Override
        public void opened(ConnectionInfo connection) {
            this.queue.add("opened");
        }

        @Override
        public void read(ConnectionInfo connection, byte[] data) {
            this.reads++;
            this.lastReadId = connection.id();
            this.bytes += data.length;
            this.queue.add("read");
        }

        @Override
        public void peerClosed(ConnectionInfo connection) {
        }

        @Override
        public void closed(ConnectionInfo connection, CloseReason reason, String error) {
            this.queue.add("closed:" + reason);
        }

        void take(String expected) throws InterruptedException {
            String event;
            do {
                event = this.queue.poll(30, TimeUnit.SECONDS);
                assertThat(event).as("waiting for " + expected).isNotNull();
            }
            while (event.equals("read"));
            assertThat(event).isEqualTo(expected);
        }

        /** Waits until {@code total} bytes were read; returns the connection of the last read. */
        long awaitBytes(long total) throws InterruptedException {
            while (this.bytes < total) {
                assertThat(this.queue.poll(30, TimeUnit.SECONDS)).as("waiting for bytes").isEqualTo("read");
            }
            return this.lastReadId;
        }

    }

}
