package dev.kqlisten;

import java.io.OutputStream;
import java.lang.ref.Reference;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

import dev.kqlisten.boot.event.EventListenerFailureCounter;
import dev.kqlisten.boot.event.PublishedEventCounter;
import dev.kqlisten.boot.event.TcpConnectionClosedEvent;
import dev.kqlisten.boot.event.TcpConnectionEvent;
import dev.kqlisten.boot.event.TcpConnectionOpenedEvent;
import dev.kqlisten.boot.event.TcpConnectionRejectedEvent;
import dev.kqlisten.boot.event.TcpDataBorrowedEvent;
import dev.kqlisten.boot.event.TcpDataReceivedEvent;
import dev.kqlisten.boot.event.TcpPeerClosedEvent;
import dev.kqlisten.support.AppEvents;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kqlisten.published.events} and {@code kqlisten.event.listener.failures} against what
 * the application's {@code @EventListener}s really received, for each kind of data listener and
 * both dispatch modes. The counts are read once the application is closed, when every queued
 * event has been delivered; the counters are kept reachable until then, because a function
 * counter holds its source only weakly and reports its last value once that is gone. Before these meters were counted where the events are published,
 * {@code data} was inferred from the poller's reads, which also counts reads whose event a
 * dispatch thread no longer delivers.
 */
@Tag("kqueue")
@Timeout(120)
class PublishedEventsIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    static Stream<Arguments> backendsDataAndModes() {
        List<Arguments> all = new ArrayList<>();
        for (TestBackend backend : TestBackend.all()) {
            all.add(Arguments.of(backend, "copied", "poller"));
            all.add(Arguments.of(backend, "borrowed", "executor"));
            all.add(Arguments.of(backend, "both", "poller"));
            all.add(Arguments.of(backend, "both", "executor"));
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("backendsDataAndModes")
    void everyPublishedEventIsCountedOnceByKind(TestBackend backend, String data, String mode) throws Exception {
        List<Class<?>> sources = new ArrayList<>(List.of(Received.class));
        if (!data.equals("borrowed")) {
            sources.add(Copied.class);
        }
        if (!data.equals("copied")) {
            sources.add(Borrowed.class);
        }
        ConfigurableApplicationContext context = TestApplication.start(backend, sources,
                "--test.kqlisten.data-events=" + (data.equals("borrowed") ? "borrowed" : "copied"),
                "--kqlisten.dispatch.mode=" + mode, "--kqlisten.listeners[0].max-connections=2",
                "--kqlisten.listeners[0].read-buffer-size=4KB");
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        Received received = context.getBean(Received.class);
        PublishedEventCounter counter = context.getBean(PublishedEventCounter.class);
        try (context) {
            AppEvents events = TestApplication.events(context);
            int port = TestApplication.port(context);
            try (Socket sender = new Socket(InetAddress.getLoopbackAddress(), port);
                    Socket resetter = new Socket(InetAddress.getLoopbackAddress(), port)) {
                events.recorder().awaitOpened(2, WAIT);
                try (Socket third = new Socket(InetAddress.getLoopbackAddress(), port)) {
                    awaitRejectedByThePoller(context);
                }
                OutputStream out = sender.getOutputStream();
                for (int i = 0; i < 16; i++) {
                    out.write(new byte[10_000]);
                }
                sender.shutdownOutput();
                resetter.setSoLinger(true, 0);
                resetter.close();
                events.recorder().awaitClosed(2, WAIT);
            }
        }
        assertThat(published(registry, "opened")).isEqualTo(received.opened.get()).isEqualTo(2);
        assertThat(published(registry, "rejected")).isEqualTo(received.rejected.get()).isEqualTo(1);
        assertThat(published(registry, "peer-closed")).isEqualTo(received.peerClosed.get()).isEqualTo(1);
        assertThat(published(registry, "closed")).isEqualTo(received.closed.get()).isEqualTo(2);
        // One per read, whichever data events it made: with both kinds, each read makes one of each.
        long reads = (long) registry.get("kqlisten.reads").functionCounter().count();
        assertThat(reads).isPositive();
        assertThat(published(registry, "data")).isEqualTo(reads);
        switch (data) {
            case "copied" -> assertThat(received.copied.get()).isEqualTo(reads);
            case "borrowed" -> assertThat(received.borrowed.get()).isEqualTo(reads);
            default -> {
                assertThat(received.copied.get()).isEqualTo(reads);
                assertThat(received.borrowed.get()).isEqualTo(reads);
            }
        }
        assertThat(registry.get("kqlisten.event.listener.failures").functionCounter().count()).isZero();
        Reference.reachabilityFence(counter);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndModes")
    void aThrowingListenerIsCountedOncePerThrow(TestBackend backend, String mode) throws Exception {
        ConfigurableApplicationContext context = TestApplication.start(backend, List.of(Throwing.class),
                "--kqlisten.dispatch.mode=" + mode);
        MeterRegistry registry = context.getBean(MeterRegistry.class);
        Throwing throwing = context.getBean(Throwing.class);
        EventListenerFailureCounter failures = context.getBean(EventListenerFailureCounter.class);
        PublishedEventCounter counter = context.getBean(PublishedEventCounter.class);
        try (context) {
            AppEvents events = TestApplication.events(context);
            for (int i = 0; i < 3; i++) {
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), TestApplication.port(context))) {
                    client.getOutputStream().write(new byte[] { 1, 2, 3 });
                    client.shutdownOutput();
                    events.recorder().awaitClosed(i + 1, WAIT);
                }
            }
        }
        // opened, at least one data, peer-closed and closed per connection, each thrown once.
        assertThat(throwing.thrown.get()).isGreaterThanOrEqualTo(3 * 4);
        assertThat(failures.count()).isEqualTo(throwing.thrown.get());
        assertThat(registry.get("kqlisten.event.listener.failures").functionCounter().count())
            .isEqualTo(throwing.thrown.get());
        // The other listeners still received every event.
        assertThat(published(registry, "closed")).isEqualTo(3);
        Reference.reachabilityFence(failures);
        Reference.reachabilityFence(counter);
    }

    static Stream<Arguments> backendsAndModes() {
        return TestBackend.all().stream()
            .flatMap((backend) -> Stream.of(Arguments.of(backend, "poller"), Arguments.of(backend, "executor")));
    }

    /** Waits, polling the poller's own counter, until it has rejected the third connection. */
    private static void awaitRejectedByThePoller(ConfigurableApplicationContext context) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (TestApplication.listener(context).stats().rejected() < 1) {
            assertThat(System.nanoTime() - deadline).as("rejected within %s", WAIT).isNegative();
            Thread.sleep(10);
        }
    }

    private static double published(MeterRegistry registry, String event) {
        return registry.get("kqlisten.published.events").tag("listener", "it").tag("event", event).functionCounter()
            .count();
    }

    /** Counts what the application's listeners received, apart from data. */
    static class Received {

        final AtomicLong opened = new AtomicLong();

        final AtomicLong copied = new AtomicLong();

        final AtomicLong borrowed = new AtomicLong();

        final AtomicLong peerClosed = new AtomicLong();

        final AtomicLong closed = new AtomicLong();

        final AtomicLong rejected = new AtomicLong();

        @EventListener
        void opened(TcpConnectionOpenedEvent event) {
            this.opened.incrementAndGet();
        }

        @EventListener
        void peerClosed(TcpPeerClosedEvent event) {
            this.peerClosed.incrementAndGet();
        }

        @EventListener
        void closed(TcpConnectionClosedEvent event) {
            this.closed.incrementAndGet();
        }

        @EventListener
        void rejected(TcpConnectionRejectedEvent event) {
            this.rejected.incrementAndGet();
        }

    }

    static class Copied {

        private final Received received;

        Copied(Received received) {
            this.received = received;
        }

        @EventListener
        void copied(TcpDataReceivedEvent event) {
            this.received.copied.incrementAndGet();
        }

    }

    static class Borrowed {

        private final Received received;

        Borrowed(Received received) {
            this.received = received;
        }

        @EventListener
        void borrowed(TcpDataBorrowedEvent event) {
            this.received.borrowed.incrementAndGet();
        }

    }

    /** Throws on every connection event, after counting it. */
    static class Throwing {

        final AtomicLong thrown = new AtomicLong();

        @EventListener
        void onEvent(TcpConnectionEvent event) {
            this.thrown.incrementAndGet();
            throw new IllegalStateException("thrown on purpose by a test listener");
        }

    }

}
