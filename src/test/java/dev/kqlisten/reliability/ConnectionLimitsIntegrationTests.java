package dev.kqlisten.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.kqlisten.boot.event.TcpConnectionRejectedEvent;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.server.TcpListenerInfo;
import dev.kqlisten.support.AppEvents;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.ConnectionTrace;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestBackend;
import dev.kqlisten.support.TrafficRecorder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code max-connections} and {@code max-connections-per-address} against the whole
 * application and real clients: the connection over a limit is turned away at once (a
 * {@link TcpConnectionRejectedEvent}, and the client sees end of stream or a reset rather than
 * a hang), while the admitted connections keep being served; a freed slot admits again.
 */
@Tag("kqueue")
@Timeout(120)
class ConnectionLimitsIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

    @BackendTest
    void theConnectionBeyondMaxConnectionsIsRejectedAndTheOthersAreServed(TestBackend backend) throws Exception {
        rejectsBeyondMaxConnections(backend);
    }

    /**
     * max-connections counts the listener's connections on all of its pollers: with a count per
     * poller, the sixth connection would reach a poller holding fewer than five and be admitted.
     */
    @BackendTest
    void maxConnectionsCountsAcrossTwoPollersSpreadByTheKernel(TestBackend backend) throws Exception {
        rejectsBeyondMaxConnections(backend, "--kqlisten.listeners[0].pollers=2");
    }

    /** With hand-off the sixth connection goes to the second poller, which holds only two of the five. */
    @BackendTest
    void maxConnectionsCountsAcrossTwoPollersWithHandOff(TestBackend backend) throws Exception {
        TcpListenerInfo listener = rejectsBeyondMaxConnections(backend, "--kqlisten.listeners[0].pollers=2",
                "--kqlisten.listeners[0].accept-spreading=handoff");
        assertThat(listener.pollers()).extracting((poller) -> poller.stats().rejected()).containsExactly(0L, 1L);
    }

    private TcpListenerInfo rejectsBeyondMaxConnections(TestBackend backend, String... args) throws Exception {
        int max = 5;
        List<Socket> admitted = new ArrayList<>();
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--kqlisten.listeners[0].max-connections=" + max);
        try (ConfigurableApplicationContext context = TestApplication.start(backend, all.toArray(String[]::new))) {
            AppEvents events = TestApplication.events(context);
            TrafficRecorder recorder = events.recorder();
            int port = TestApplication.port(context);
            for (int i = 0; i < max; i++) {
                admitted.add(connectAndSend(null, port));
            }
            recorder.awaitOpened(max, WAIT);
            try (Socket extra = new Socket(InetAddress.getLoopbackAddress(), port)) {
                events.await(() -> events.rejected().size() == 1, WAIT, () -> "rejections " + events.rejected());
                assertTurnedAway(extra);
            }
            TcpConnectionRejectedEvent rejection = events.rejected().get(0);
            assertThat(rejection.getReason()).isEqualTo(RejectReason.MAX_CONNECTIONS);
            assertThat(rejection.getListenerName()).isEqualTo("it");
            assertThat(recorder.traces()).hasSize(max);

            // The admitted ones are still served, every byte, to a clean end.
            Socket leaving = admitted.remove(0);
            finish(leaving);
            recorder.awaitClosed(1, WAIT);
            // The freed slot admits a new connection.
            admitted.add(connectAndSend(null, port));
            recorder.awaitOpened(max + 1, WAIT);
            for (Socket client : admitted) {
                finish(client);
            }
            recorder.awaitClosed(max + 1, WAIT);
            assertServedInFull(recorder, leaving);
            for (Socket client : admitted) {
                assertServedInFull(recorder, client);
            }
            assertThat(events.rejected()).hasSize(1);
            assertThat(TestApplication.listener(context).stats().rejected(RejectReason.MAX_CONNECTIONS)).isEqualTo(1);
            return TestApplication.listener(context);
        }
        finally {
            closeAll(admitted);
        }
    }

    @BackendTest
    void theConnectionBeyondThePerAddressLimitIsRejectedWhileOtherAddressesAreAdmitted(TestBackend backend)
            throws Exception {
        InetAddress other = InetAddress.getByName("127.0.0.2");
        Assumptions.assumeTrue(bindable(other),
                "127.0.0.2 is not a local address here (macOS configures only 127.0.0.1)");
        int perAddress = 2;
        List<Socket> admitted = new ArrayList<>();
        try (ConfigurableApplicationContext context = TestApplication.start(backend,
                "--kqlisten.listeners[0].max-connections-per-address=" + perAddress)) {
            AppEvents events = TestApplication.events(context);
            TrafficRecorder recorder = events.recorder();
            int port = TestApplication.port(context);
            for (int i = 0; i < perAddress; i++) {
                admitted.add(connectAndSend(null, port));
            }
            recorder.awaitOpened(perAddress, WAIT);
            try (Socket extra = new Socket(InetAddress.getLoopbackAddress(), port)) {
                events.await(() -> events.rejected().size() == 1, WAIT, () -> "rejections " + events.rejected());
                assertTurnedAway(extra);
            }
            TcpConnectionRejectedEvent rejection = events.rejected().get(0);
            assertThat(rejection.getReason()).isEqualTo(RejectReason.MAX_CONNECTIONS_PER_ADDRESS);
            assertThat(rejection.getRemoteAddress().getAddress()).isEqualTo(InetAddress.getLoopbackAddress());

            // Another source address has its own count.
            for (int i = 0; i < perAddress; i++) {
                admitted.add(connectAndSend(other, port));
            }
            recorder.awaitOpened(2 * perAddress, WAIT);
            for (Socket client : admitted) {
                finish(client);
            }
            recorder.awaitClosed(2 * perAddress, WAIT);
            for (Socket client : admitted) {
                ConnectionTrace trace = assertServedInFull(recorder, client);
                assertThat(trace.remote().getAddress()).isEqualTo(client.getLocalAddress());
            }
            assertThat(events.rejected()).hasSize(1);
        }
        finally {
            closeAll(admitted);
        }
    }

    private static boolean bindable(InetAddress address) {
        try (Socket probe = new Socket()) {
            probe.bind(new InetSocketAddress(address, 0));
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }

    private static Socket connectAndSend(InetAddress from, int port) throws IOException {
        Socket client = new Socket();
        if (from != null) {
            client.bind(new InetSocketAddress(from, 0));
        }
        client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) WAIT.toMillis());
        client.getOutputStream().write(HELLO);
        return client;
    }

    /** The rejected client learns it promptly: end of stream, or a reset. Never a timeout. */
    private static void assertTurnedAway(Socket client) throws IOException {
        client.setSoTimeout((int) WAIT.toMillis());
        try {
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        catch (SocketException ex) {
            assertThat(ex).hasMessageContaining("reset");
        }
    }

    private static void finish(Socket client) throws IOException {
        client.getOutputStream().write(HELLO);
        client.shutdownOutput();
    }

    private static ConnectionTrace assertServedInFull(TrafficRecorder recorder, Socket client) {
        ConnectionTrace trace = recorder.byClientPort(client.getLocalPort());
        trace.assertOrderlyClose();
        assertThat(trace.count()).isEqualTo(2L * HELLO.length);
        return trace;
    }

    private static void closeAll(List<Socket> clients) throws IOException {
        for (Socket client : clients) {
            client.close();
        }
    }

}
