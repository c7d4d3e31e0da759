package dev.kqlisten.reliability;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.kqlisten.support.AppEvents;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.ConnectionTrace;
import dev.kqlisten.support.OpenFileDescriptors;
import dev.kqlisten.support.PseudoRandomStream;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestBackend;
import dev.kqlisten.support.TrafficRecorder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A graceful stop ({@code server.shutdown=graceful}) seen from outside: while the context closes
 * on another thread, the port refuses new connections and can be bound again at once, connected
 * clients keep sending and every byte they sent before closing is delivered with EOF and
 * PEER_CLOSED, a client that never closes is closed with SHUTDOWN when
 * {@code kqlisten.shutdown-timeout} passes, and no descriptor is left open.
 */
@Tag("kqueue")
@Timeout(120)
class GracefulShutdownIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);

    private static final int CLIENTS = 10;

    private static final int PART = 50_000;

    private static ConfigurableApplicationContext start(TestBackend backend, String... more) {
        List<String> args = new ArrayList<>(List.of("--server.shutdown=graceful",
                "--kqlisten.shutdown-timeout=" + SHUTDOWN_TIMEOUT.toMillis() + "ms"));
        args.addAll(List.of(more));
        return TestApplication.start(backend, args.toArray(String[]::new));
    }

    @BackendTest
    void connectedClientsFinishWhileTheListenerIsGoneAndTheLastIsClosedAtTheTimeout(TestBackend backend)
            throws Exception {
        drainsGracefully(backend);
    }

    /** Every poller of the listener closes its socket, serves its connections to the end, and ends. */
    @BackendTest
    void twoPollersSpreadByTheKernelDrainTogether(TestBackend backend) throws Exception {
        drainsGracefully(backend, "--kqlisten.listeners[0].pollers=2");
    }

    /** The accepting poller closes its socket first; the poller it hands connections to drains after. */
    @BackendTest
    void twoPollersWithHandOffDrainTogether(TestBackend backend) throws Exception {
        drainsGracefully(backend, "--kqlisten.listeners[0].pollers=2", "--kqlisten.listeners[0].accept-spreading=handoff");
    }

    private void drainsGracefully(TestBackend backend, String... args) throws Exception {
        Assumptions.assumeTrue(OpenFileDescriptors.countable(), "needs /proc/self/fd");
        // Warm-up: class loading, jar files and native libraries open descriptors once per JVM.
        start(backend, args).close();
        OpenFileDescriptors before = OpenFileDescriptors.snapshot();
        List<Socket> clients = new ArrayList<>();
        Socket stubborn = null;
        CompletableFuture<Void> closing = null;
        ConfigurableApplicationContext context = start(backend, args);
        try {
            AppEvents events = TestApplication.events(context);
            TrafficRecorder recorder = events.recorder();
            int port = TestApplication.port(context);
            for (int i = 0; i < CLIENTS; i++) {
                Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
                clients.add(client);
                write(client, i, 0, PART);
            }
            stubborn = new Socket(InetAddress.getLoopbackAddress(), port);
            stubborn.getOutputStream().write("I will never leave".getBytes());
            recorder.awaitOpened(CLIENTS + 1, WAIT);

            long closeStarted = System.nanoTime();
            closing = CompletableFuture.runAsync(context::close);
            awaitRebindable(port, closing);
            assertThatExceptionOfType(ConnectException.class)
                .isThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close());
            assertThat(closing).as("still draining").isNotDone();

            // The connected clients are still served: the second part, then an orderly close.
            for (int i = 0; i < CLIENTS; i++) {
                Socket client = clients.get(i);
                write(client, i, PART, PART);
                client.shutdownOutput();
            }
            recorder.awaitClosed(CLIENTS, WAIT);
            for (int i = 0; i < CLIENTS; i++) {
                Socket client = clients.get(i);
                ConnectionTrace trace = recorder.byClientPort(client.getLocalPort());
                trace.assertOrderlyClose();
                assertThat(trace.count()).isEqualTo(2L * PART);
                assertThat(trace.crc()).isEqualTo(PseudoRandomStream.crcOfPrefix(i, 2L * PART));
                client.setSoTimeout((int) WAIT.toMillis());
                assertThat(client.getInputStream().read()).as("end of stream from the server").isEqualTo(-1);
            }

            closing.get(SHUTDOWN_TIMEOUT.plus(WAIT).toSeconds(), TimeUnit.SECONDS);
            ConnectionTrace last = recorder.byClientPort(stubborn.getLocalPort());
            assertThat(last.shape()).containsExactly("opened", "read*", "closed");
            assertThat(last.closeReason()).isEqualTo("SHUTDOWN");
            Duration waited = Duration.ofNanos(events.closedNanos(last.id()) - closeStarted);
            assertThat(waited).isBetween(SHUTDOWN_TIMEOUT, SHUTDOWN_TIMEOUT.plus(WAIT));
            stubborn.setSoTimeout((int) WAIT.toMillis());
            assertThat(stubborn.getInputStream().read()).isEqualTo(-1);
        }
        finally {
            if (closing == null) {
                context.close();
            }
            else {
                closing.get(SHUTDOWN_TIMEOUT.plus(WAIT).toSeconds(), TimeUnit.SECONDS);
            }
            for (Socket client : clients) {
                client.close();
            }
            if (stubborn != null) {
                stubborn.close();
            }
        }
        assertThat(before.leakedSince()).as("open descriptors after the graceful stop").isEmpty();
    }

    /** Writes bytes [offset, offset + length) of the stream of {@code seed}. */
    private static void write(Socket client, long seed, int offset, int length) throws IOException {
        PseudoRandomStream stream = new PseudoRandomStream(seed);
        byte[] bytes = new byte[offset + length];
        stream.next(bytes, 0, bytes.length);
        client.getOutputStream().write(bytes, offset, length);
    }

    /**
     * Waits until the port can be bound again, which is the moment the listening socket is
     * closed (binding fails with EADDRINUSE while it listens); retries every millisecond up to
     * a deadline. Binding tests the listener without connecting, so no probe connection joins
     * the drain. The test's socket is closed again at once.
     */
    private static void awaitRebindable(int port, CompletableFuture<Void> closing) throws IOException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (ServerSocket rebound = new ServerSocket()) {
                rebound.setReuseAddress(true);
                rebound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return;
            }
            catch (BindException stillListening) {
                assertThat(System.nanoTime() - deadline).as("port rebindable within " + WAIT).isNegative();
                assertThat(closing).as("context close ended early").isNotDone();
                LockSupport.parkNanos(1_000_000L);
            }
        }
    }

}
