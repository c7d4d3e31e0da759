package dev.kqlisten.reliability;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.nativeio.Backend;
import dev.kqlisten.poller.PollerStats;
import dev.kqlisten.support.AppEvents;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.ConnectionTrace;
import dev.kqlisten.support.OpenFileDescriptors;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestBackend;
import dev.kqlisten.support.TrafficRecorder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peers that misbehave on purpose, against the whole application: silent connections
 * (slowloris) must be closed by {@code idle-timeout}, thousands of connect-then-reset cycles
 * must leave neither a descriptor nor a table entry behind, and a reset must end only its own
 * connection.
 */
@Tag("kqueue")
@Timeout(120)
class HostilePeersIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @BackendTest
    void silentConnectionsAreClosedByTheIdleTimeout(TestBackend backend) throws Exception {
        int silent = 20;
        Duration idle = Duration.ofMillis(300);
        try (ConfigurableApplicationContext context = TestApplication.start(backend,
                "--kqlisten.listeners[0].idle-timeout=300ms")) {
            AppEvents events = TestApplication.events(context);
            TrafficRecorder recorder = events.recorder();
            int port = TestApplication.port(context);
            List<Socket> clients = new ArrayList<>();
            Map<Integer, Long> connectedNanos = new HashMap<>();
            try {
                for (int i = 0; i < silent; i++) {
                    long before = System.nanoTime();
                    Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
                    connectedNanos.put(client.getLocalPort(), before);
                    clients.add(client);
                }
                recorder.awaitClosed(silent, WAIT);
                for (Socket client : clients) {
                    ConnectionTrace trace = recorder.byClientPort(client.getLocalPort());
                    assertThat(trace.shape()).containsExactly("opened", "closed");
                    assertThat(trace.closeReason()).isEqualTo("IDLE_TIMEOUT");
                    // The idle clock starts at the accept, after the connect began: never early.
                    long connected = connectedNanos.get(client.getLocalPort());
                    Duration lived = Duration.ofNanos(events.closedNanos(trace.id()) - connected);
                    assertThat(lived).isBetween(idle, Duration.ofSeconds(10));
                    // The server closed with a FIN: the silent client reads end of stream.
                    client.setSoTimeout((int) WAIT.toMillis());
                    assertThat(client.getInputStream().read()).isEqualTo(-1);
                }
                assertThat(TestApplication.listener(context).stats().closed(CloseReason.IDLE_TIMEOUT))
                    .isEqualTo(silent);
            }
            finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
        }
    }

    @BackendTest
    void aStormOfConnectThenResetLeavesNoDescriptorAndNoEntry(TestBackend backend) throws Exception {
        Assumptions.assumeTrue(OpenFileDescriptors.countable(), "needs /proc/self/fd");
        int cycles = 2000;
        ExecutorService stormers = Executors.newFixedThreadPool(4);
        try (ConfigurableApplicationContext context = TestApplication.start(backend)) {
            TrafficRecorder recorder = TestApplication.events(context).recorder();
            PollerStats stats = TestApplication.listener(context).stats();
            int port = TestApplication.port(context);
            // Warm-up: the first connections load classes and may open JDK descriptors once.
            for (int i = 0; i < 10; i++) {
                resetAfterConnect(port, i % 2 == 0);
            }
            recorder.awaitClosed(10, WAIT);
            OpenFileDescriptors before = OpenFileDescriptors.snapshot();
            List<Future<?>> storms = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                storms.add(stormers.submit(() -> {
                    for (int i = 0; i < cycles / 4; i++) {
                        resetAfterConnect(port, i % 2 == 0);
                    }
                    return null;
                }));
            }
            for (Future<?> storm : storms) {
                storm.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            int total = cycles + 10;
            recorder.awaitClosed(total, WAIT);
            assertThat(recorder.traces()).hasSize(total);
            Map<String, Long> outcomes = recorder.traces().values().stream()
                .collect(Collectors.groupingBy((t) -> t.shape() + " " + t.closeReason() + " " + t.closeError(),
                        Collectors.counting()));
            // An RST and never a FIN, also when it arrived before the accept: Linux still hands
            // the connection out, with its error pending. On epoll that is always RESET. The
            // kqueue-compatible test library (over epoll) has been seen, about once in 6,000
            // cycles, to report a reset as EV_EOF without ECONNRESET in fflags after the byte,
            // which the poller rightly takes for an orderly EOF; so there only that is tolerated.
            List<String> allowed = new ArrayList<>(
                    List.of("[opened, closed] RESET ECONNRESET", "[opened, read*, closed] RESET ECONNRESET"));
            if (backend.backend() == Backend.KQUEUE) {
                allowed.add("[opened, read*, eof, closed] PEER_CLOSED null");
            }
            System.out.println("storm[" + backend + "]: " + outcomes);
            assertThat(outcomes.keySet()).as("outcomes " + outcomes).isSubsetOf(allowed);
            assertThat(stats.activeConnections()).isZero();
            assertThat(stats.accepted()).isEqualTo(stats.closed() + stats.rejected()).isEqualTo(total);
            assertThat(before.leakedSince()).as("open descriptors after the storm").isEmpty();
        }
        finally {
            stormers.shutdownNow();
            stormers.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    /** Connects, optionally sends a byte, and resets (SO_LINGER 0). */
    private static void resetAfterConnect(int port, boolean send) throws Exception {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
        if (send) {
            client.getOutputStream().write('x');
        }
        client.setSoLinger(true, 0);
        client.close();
    }

    @BackendTest
    void aResetEndsOnlyItsOwnConnection(TestBackend backend) throws Exception {
        try (ConfigurableApplicationContext context = TestApplication.start(backend)) {
            TrafficRecorder recorder = TestApplication.events(context).recorder();
            int port = TestApplication.port(context);
            byte[] first = "before the neighbour's reset;".getBytes(StandardCharsets.US_ASCII);
            byte[] second = " and after it".getBytes(StandardCharsets.US_ASCII);
            try (Socket survivor = new Socket(InetAddress.getLoopbackAddress(), port)) {
                Socket victim = new Socket(InetAddress.getLoopbackAddress(), port);
                survivor.getOutputStream().write(first);
                victim.getOutputStream().write("doomed".getBytes(StandardCharsets.US_ASCII));
                recorder.awaitOpened(2, WAIT);
                victim.setSoLinger(true, 0);
                victim.close();
                recorder.awaitClosed(1, WAIT);
                ConnectionTrace reset = recorder.byClientPort(victim.getLocalPort());
                assertThat(reset.closeReason()).isEqualTo("RESET");
                assertThat(reset.closeError()).isEqualTo("ECONNRESET");

                survivor.getOutputStream().write(second);
                survivor.shutdownOutput();
                recorder.awaitClosed(2, WAIT);
                ConnectionTrace trace = recorder.byClientPort(survivor.getLocalPort());
                trace.assertOrderlyClose();
                assertThat(trace.count()).isEqualTo(first.length + second.length);
                survivor.setSoTimeout((int) WAIT.toMillis());
                InputStream in = survivor.getInputStream();
                assertThat(in.read()).isEqualTo(-1);
            }
        }
    }

}
