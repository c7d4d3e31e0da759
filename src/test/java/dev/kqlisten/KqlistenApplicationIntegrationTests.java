package dev.kqlisten;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.kqlisten.boot.event.EventListenerFailureCounter;
import dev.kqlisten.boot.event.TcpConnectionClosedEvent;
import dev.kqlisten.boot.event.TcpConnectionOpenedEvent;
import dev.kqlisten.boot.event.TcpDataReceivedEvent;
import dev.kqlisten.boot.event.TcpListenerStartedEvent;
import dev.kqlisten.boot.event.TcpPeerClosedEvent;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.ConnectionTrace;
import dev.kqlisten.support.OpenFileDescriptors;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestBackend;
import dev.kqlisten.support.TrafficRecorder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * The whole application, started per backend with a real listener on an ephemeral port and
 * plain JDK clients: what an {@code @EventListener} sees, containment of a throwing listener,
 * start/stop/restart hygiene, and the start-up failure reports users read.
 */
@Tag("kqueue")
@Timeout(180)
@ExtendWith(OutputCaptureExtension.class)
class KqlistenApplicationIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @BackendTest
    void listenersSeeOpenedReadsEofClosedInOrderWithExactBytes(TestBackend backend) throws Exception {
        try (ConfigurableApplicationContext context = start(backend, 0, null)) {
            EventRecorder events = context.getBean(EventRecorder.class);
            int port = TestApplication.port(context);
            assertThat(port).isPositive();
            assertThat(events.started).singleElement().satisfies((started) -> {
                assertThat(started.getPort()).isEqualTo(port);
                assertThat(started.getBackend()).isEqualTo(backend.backend().name().toLowerCase());
            });
            byte[] payload = "printf hello | nc 127.0.0.1 1815".getBytes(StandardCharsets.US_ASCII);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.getOutputStream().write(payload);
                client.shutdownOutput();
                events.recorder.awaitClosed(1, WAIT);
                ConnectionTrace trace = events.recorder.byClientPort(client.getLocalPort());
                trace.assertOrderlyClose();
                assertThat(trace.bytes()).isEqualTo(payload);
            }
        }
    }

    @BackendTest
    void severalListenersServeSideBySideEachWithItsNameAndPort(TestBackend backend) throws Exception {
        try (ConfigurableApplicationContext context = start(backend, 0, null, "--kqlisten.listeners[1].name=second",
                "--kqlisten.listeners[1].address=::1", "--kqlisten.listeners[1].port=0")) {
            EventRecorder events = context.getBean(EventRecorder.class);
            int first = context.getEnvironment().getProperty("local.kqlisten.it.port", Integer.class);
            int second = context.getEnvironment().getProperty("local.kqlisten.second.port", Integer.class);
            assertThat(events.started).extracting(TcpListenerStartedEvent::getListenerName)
                .containsExactly("it", "second");
            try (Socket a = new Socket(InetAddress.getLoopbackAddress(), first);
                    Socket b = new Socket(InetAddress.getByName("::1"), second)) {
                a.getOutputStream().write("to it".getBytes(StandardCharsets.US_ASCII));
                b.getOutputStream().write("to second".getBytes(StandardCharsets.US_ASCII));
                a.shutdownOutput();
                b.shutdownOutput();
                events.recorder.awaitClosed(2, WAIT);
                assertThat(new String(events.recorder.byClientPort(a.getLocalPort()).bytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("to it");
                assertThat(new String(events.recorder.byClientPort(b.getLocalPort()).bytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("to second");
            }
            assertThat(events.listenerNames).containsOnlyKeys(events.recorder.traces().keySet().toArray(Long[]::new));
            assertThat(events.listenerNames.values()).containsExactlyInAnyOrder("it", "second");
        }
    }

    @BackendTest
    void aThrowingListenerIsCountedAndOtherListenersStillGetEveryEvent(TestBackend backend) throws Exception {
        try (ConfigurableApplicationContext context = start(backend, 0, Throwing.class)) {
            EventRecorder events = context.getBean(EventRecorder.class);
            int port = TestApplication.port(context);
            byte[] payload = new byte[200_000];
            java.util.Arrays.fill(payload, (byte) 'x');
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.getOutputStream().write(payload);
                client.shutdownOutput();
                events.recorder.awaitClosed(1, WAIT);
                ConnectionTrace trace = events.recorder.byClientPort(client.getLocalPort());
                assertThat(trace.count()).isEqualTo(payload.length);
                trace.assertOrderlyClose();
            }
            assertThat(context.getBean(Throwing.class).thrown).isPositive();
            assertThat(context.getBean(EventListenerFailureCounter.class).count())
                .isEqualTo(context.getBean(Throwing.class).thrown);
        }
    }

    @BackendTest
    void stopClosesEverythingAndARestartBindsTheSamePortAtOnce(TestBackend backend) throws Exception {
        Assumptions.assumeTrue(OpenFileDescriptors.countable(), "needs /proc/self/fd");
        // Warm-up: class loading, jar files and native libraries open descriptors once per JVM.
        start(backend, 0, null).close();
        OpenFileDescriptors before = OpenFileDescriptors.snapshot();
        int port;
        List<Socket> clients = new ArrayList<>();
        try (ConfigurableApplicationContext context = start(backend, 0, null)) {
            EventRecorder events = context.getBean(EventRecorder.class);
            port = TestApplication.port(context);
            for (int i = 0; i < 20; i++) {
                Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
                client.getOutputStream().write("still open".getBytes(StandardCharsets.US_ASCII));
                clients.add(client);
            }
            events.recorder.awaitOpened(20, WAIT);
            context.close();
            assertThat(events.recorder.closedCount()).isEqualTo(20);
            assertThat(events.recorder.traces().values()).allMatch((t) -> "SHUTDOWN".equals(t.closeReason()));
            assertThat(events.stopped).hasSize(1);
        }
        finally {
            for (Socket client : clients) {
                client.close();
            }
        }
        assertThat(before.leakedSince()).as("open descriptors after stop").isEmpty();
        try (ConfigurableApplicationContext again = start(backend, port, null)) {
            assertThat(again.getEnvironment().getProperty("local.kqlisten.port", Integer.class)).isEqualTo(port);
        }
    }

    @BackendTest
    void aPortInUseFailsStartUpWithAnExplanation(TestBackend backend, CapturedOutput output) throws Exception {
        backend.assumeAvailable();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatException().isThrownBy(() -> start(backend, port, null).close());
            assertThat(output).contains("TCP listener 'it' failed to start: port " + port
                    + " on 127.0.0.1 is already in use.");
            assertThat(output).contains("Identify and stop the process that is listening on 127.0.0.1:" + port
                    + ", or set 'kqlisten.listeners[0].port' to another port (0 lets the operating system choose a "
                    + "free one).");
        }
    }

    @BackendTest
    void anAddressNotOnThisHostFailsStartUpNamingTheProperty(TestBackend backend, CapturedOutput output) {
        backend.assumeAvailable();
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a host; bind fails with EADDRNOTAVAIL.
        assertThatException().isThrownBy(
                () -> start(backend, 0, null, "--kqlisten.listeners[0].address=192.0.2.1").close());
        assertThat(output).contains("kqlisten.listeners[0].address");
        assertThat(output).contains("192.0.2.1");
    }

    @Test
    void kqueueWithoutALibraryOnLinuxFailsStartUpNamingTheProperties(CapturedOutput output) {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux has no native kqueue");
        assertThatException().isThrownBy(() -> new SpringApplicationBuilder(KqlistenApplication.class)
            .run("--server.port=0", "--kqlisten.backend=kqueue", "--kqlisten.listeners[0].name=it",
                    "--kqlisten.listeners[0].port=0")
            .close());
        assertThat(output).contains("Property: kqlisten.kqueue.library");
        assertThat(output).contains("Reason: must name a kqueue-compatible library when kqlisten.backend is kqueue on Linux");
        assertThat(output).contains("Property: kqlisten.kqueue.layout");
    }

    @Test
    void aKqueueLibraryThatCannotBeLoadedFailsStartUpWithTheDetectedPlatform(CapturedOutput output) {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "Linux has no native kqueue");
        assertThatException().isThrownBy(() -> new SpringApplicationBuilder(KqlistenApplication.class)
            .run("--server.port=0", "--kqlisten.backend=kqueue", "--kqlisten.kqueue.library=/nonexistent/libkqueue.so",
                    "--kqlisten.kqueue.layout=freebsd", "--kqlisten.listeners[0].name=it",
                    "--kqlisten.listeners[0].port=0")
            .close());
        assertThat(output).contains("The kqlisten native transport is not available on Linux ("
                + System.getProperty("os.arch") + ") with backend kqueue");
        assertThat(output).contains("Supported: " + dev.kqlisten.nativeio.NativeTransportUnavailableException.SUPPORTED);
        assertThat(output).contains("set 'kqlisten.kqueue.library' to a kqueue-compatible library");
    }

    static ConfigurableApplicationContext start(TestBackend backend, int port, Class<?> extra, String... moreArgs) {
        List<Class<?>> sources = new ArrayList<>(List.of(Recording.class));
        if (extra != null) {
            sources.add(extra);
        }
        List<String> args = new ArrayList<>(List.of(moreArgs));
        args.add("--kqlisten.listeners[0].port=" + port);
        return TestApplication.start(backend, sources, args.toArray(String[]::new));
    }

    /** Test beans, registered as a source of the application (not component-scanned). */
    static class Recording {

        @Bean
        EventRecorder eventRecorder() {
            return new EventRecorder();
        }

    }

    /** Feeds every kqlisten event into a {@link TrafficRecorder}. */
    static class EventRecorder {

        final TrafficRecorder recorder = new TrafficRecorder(true);

        final List<TcpListenerStartedEvent> started = new CopyOnWriteArrayList<>();

        final List<Object> stopped = new CopyOnWriteArrayList<>();

        @EventListener
        void started(TcpListenerStartedEvent event) {
            this.started.add(event);
        }

        @EventListener
        void stopped(dev.kqlisten.boot.event.TcpListenerStoppedEvent event) {
            this.stopped.add(event);
        }

        final java.util.Map<Long, String> listenerNames = new java.util.concurrent.ConcurrentHashMap<>();

        @EventListener
        void opened(TcpConnectionOpenedEvent event) {
            this.listenerNames.put(event.getConnectionId(), event.getListenerName());
            this.recorder.opened(event.getConnectionId(), event.getRemoteAddress());
        }

        @EventListener
        void read(TcpDataReceivedEvent event) {
            this.recorder.read(event.getConnectionId(), event.copyBytes());
        }

        @EventListener
        void eof(TcpPeerClosedEvent event) {
            this.recorder.eof(event.getConnectionId());
        }

        @EventListener
        void closed(TcpConnectionClosedEvent event) {
            this.recorder.closed(event.getConnectionId(), event.getReason().name(), event.getError());
        }

    }

    /** A listener that fails on every data event. */
    static class Throwing {

        volatile long thrown;

        @EventListener
        void read(TcpDataReceivedEvent event) {
            this.thrown++;
            throw new IllegalStateException("listener failure injected by the test");
        }

    }

}
