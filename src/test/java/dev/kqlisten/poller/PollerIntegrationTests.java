package dev.kqlisten.poller;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.Multiplexers;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.ConnectionTrace;
import dev.kqlisten.support.OpenFileDescriptors;
import dev.kqlisten.support.TestBackend;
import dev.kqlisten.support.TrafficRecorder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real loop over the real native backends, with plain JDK clients on loopback. Each test
 * runs once per backend this JVM tests (epoll, and kqueue through the kqueue-compatible test
 * library on Linux; the build runs the kqueue cases once per struct layout).
 */
@Tag("kqueue")
@Timeout(120)
class PollerIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @BackendTest
    void eventsArriveInOrderWithByteExactPayload(TestBackend backend) throws Exception {
        TrafficRecorder recorder = new TrafficRecorder(true);
        try (Running server = Running.start(backend, InetAddress.getLoopbackAddress(), 8, recorder)) {
            byte[] payload = "hello, kqueue! this payload spans several small reads".getBytes(StandardCharsets.US_ASCII);
            int clientPort;
            try (Socket client = new Socket(server.address().getAddress(), server.address().getPort())) {
                clientPort = client.getLocalPort();
                client.getOutputStream().write(payload);
                client.shutdownOutput();
                recorder.awaitClosed(1, WAIT);
            }
            ConnectionTrace trace = recorder.byClientPort(clientPort);
            trace.assertOrderlyClose();
            assertThat(trace.bytes()).isEqualTo(payload);
        }
    }

    @BackendTest
    void ephemeralPortIsReportedAndIpv6Works(TestBackend backend) throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        TrafficRecorder recorder = new TrafficRecorder(true);
        try (Running server = Running.start(backend, v6, 64 * 1024, recorder)) {
            assertThat(server.address().getPort()).isPositive();
            assertThat(server.address().getAddress()).isEqualTo(v6);
            try (Socket client = new Socket(v6, server.address().getPort())) {
                client.getOutputStream().write("over ipv6".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                recorder.awaitClosed(1, WAIT);
                ConnectionTrace trace = recorder.byClientPort(client.getLocalPort());
                assertThat(trace.remote().getAddress()).isEqualTo(v6);
                assertThat(new String(trace.bytes(), StandardCharsets.US_ASCII)).isEqualTo("over ipv6");
            }
        }
    }

    @BackendTest
    void thousandConcurrentConnectionsDeliverEveryByte(TestBackend backend) throws Exception {
        int connections = 1000;
        TrafficRecorder recorder = new TrafficRecorder(false);
        ExecutorService writers = Executors.newFixedThreadPool(16);
        List<Socket> clients = new ArrayList<>();
        try (Running server = Running.start(backend, InetAddress.getLoopbackAddress(), 16 * 1024, recorder)) {
            // All connections are open at once before any byte is sent.
            for (int i = 0; i < connections; i++) {
                clients.add(new Socket(server.address().getAddress(), server.address().getPort()));
            }
            List<Future<long[]>> sent = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                Socket client = clients.get(i);
                long seed = 1815L * (i + 1);
                sent.add(writers.submit(() -> writeStream(client, seed)));
            }
            long totalBytes = 0;
            for (int i = 0; i < connections; i++) {
                long[] lengthAndCrc = sent.get(i).get(60, TimeUnit.SECONDS);
                totalBytes += lengthAndCrc[0];
            }
            recorder.awaitClosed(connections, WAIT);
            int mismatches = 0;
            for (int i = 0; i < connections; i++) {
                long[] expected = sent.get(i).get();
                ConnectionTrace trace = recorder.byClientPort(clients.get(i).getLocalPort());
                if (trace.count() != expected[0] || trace.crc() != expected[1]
                        || !trace.shape().equals(List.of("opened", "read*", "eof", "closed"))) {
                    mismatches++;
                }
            }
            System.out.printf("[%s] %d connections, %d bytes, %d mismatches%n", backend, connections, totalBytes,
                    mismatches);
            assertThat(mismatches).isZero();
            assertThat(server.poller().stats().accepted()).isEqualTo(connections);
            assertThat(server.poller().stats().bytesRead()).isEqualTo(totalBytes);
        }
        finally {
            writers.shutdownNow();
            writers.awaitTermination(10, TimeUnit.SECONDS);
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    /** Writes a pseudo-random stream of a seed-dependent length, half-closes; returns {length, crc}. */
    private static long[] writeStream(Socket client, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        int length = 1 + random.nextInt(48 * 1024);
        byte[] stream = new byte[length];
        random.nextBytes(stream);
        OutputStream out = client.getOutputStream();
        int offset = 0;
        while (offset < length) {
            int chunk = Math.min(length - offset, 1 + random.nextInt(8192));
            out.write(stream, offset, chunk);
            offset += chunk;
        }
        client.shutdownOutput();
        CRC32 crc = new CRC32();
        crc.update(stream);
        return new long[] { length, crc.getValue() };
    }

    @BackendTest
    void clientResetMidStreamClosesWithReset(TestBackend backend) throws Exception {
        TrafficRecorder recorder = new TrafficRecorder(true);
        try (Running server = Running.start(backend, InetAddress.getLoopbackAddress(), 64 * 1024, recorder)) {
            Socket client = new Socket(server.address().getAddress(), server.address().getPort());
            int clientPort = client.getLocalPort();
            client.getOutputStream().write("partial".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().flush();
            // SO_LINGER 0 makes close() send RST instead of FIN.
            client.setSoLinger(true, 0);
            client.close();
            recorder.awaitClosed(1, WAIT);
            ConnectionTrace trace = recorder.byClientPort(clientPort);
            assertThat(trace.shape()).first().isEqualTo("opened");
            assertThat(trace.shape()).last().isEqualTo("closed");
            assertThat(trace.shape()).doesNotContain("eof");
            assertThat(trace.closeReason()).isEqualTo("RESET");
            assertThat(trace.closeError()).isEqualTo("ECONNRESET");
            assertThat(server.poller().stats().activeConnections()).isZero();
        }
    }

    @BackendTest
    void halfCloseWithDataStillInFlightDeliversEverythingBeforeEof(TestBackend backend) throws Exception {
        TrafficRecorder recorder = new TrafficRecorder(true);
        // A 1 KiB read buffer and a 1 MiB burst: the FIN arrives while most bytes are still queued.
        try (Running server = Running.start(backend, InetAddress.getLoopbackAddress(), 1024, recorder)) {
            byte[] burst = new byte[1 << 20];
            new SplittableRandom(7).nextBytes(burst);
            try (Socket client = new Socket(server.address().getAddress(), server.address().getPort())) {
                client.getOutputStream().write(burst);
                client.shutdownOutput();
                recorder.awaitClosed(1, WAIT);
                ConnectionTrace trace = recorder.byClientPort(client.getLocalPort());
                trace.assertOrderlyClose();
                assertThat(trace.bytes()).isEqualTo(burst);
                // The server did not close before our side: reading gives a clean EOF, not a reset.
                assertThat(client.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    @BackendTest
    void stoppingReleasesEveryDescriptor(TestBackend backend) throws Exception {
        Assumptions.assumeTrue(OpenFileDescriptors.countable(), "needs /proc/self/fd");
        // Warm up once so lazily opened JDK/JNA descriptors (jars, libraries) are not counted.
        try (Running warm = Running.start(backend, InetAddress.getLoopbackAddress(), 1024, new TrafficRecorder(false))) {
            assertThat(warm.address().getPort()).isPositive();
        }
        OpenFileDescriptors before = OpenFileDescriptors.snapshot();
        TrafficRecorder recorder = new TrafficRecorder(false);
        List<Socket> clients = new ArrayList<>();
        try (Running server = Running.start(backend, InetAddress.getLoopbackAddress(), 1024, recorder)) {
            for (int i = 0; i < 50; i++) {
                Socket client = new Socket(server.address().getAddress(), server.address().getPort());
                client.getOutputStream().write(i);
                clients.add(client);
            }
            recorder.awaitOpened(50, WAIT);
        }
        recorder.awaitClosed(50, WAIT);
        assertThat(recorder.traces().values()).allMatch((t) -> "SHUTDOWN".equals(t.closeReason()));
        for (Socket client : clients) {
            client.close();
        }
        assertThat(before.leakedSince()).as("descriptors left open").isEmpty();
    }

    /** A poller on its own thread, stopped by close(). */
    record Running(Poller poller, Thread thread) implements AutoCloseable {

        static Running start(TestBackend backend, InetAddress address, int readBufferSize, TrafficRecorder recorder)
                throws Exception {
            backend.assumeAvailable();
            ListenSpec spec = new ListenSpec(address, 0, 0, true, false, false);
            Poller poller = Poller.open(new PollerConfig("it", spec, readBufferSize),
                    Multiplexers.open(backend.options(256, readBufferSize)), 256, new Recording(recorder));
            Thread thread = new Thread(poller, "kqlisten-poller-it");
            thread.start();
            return new Running(poller, thread);
        }

        InetSocketAddress address() {
            return this.poller.localAddress();
        }

        @Override
        public void close() throws InterruptedException {
            this.poller.shutdown();
            this.thread.join(WAIT.toMillis());
            assertThat(this.thread.isAlive()).as("poller thread stopped").isFalse();
        }

    }

    /** Adapts the poller's callbacks to a {@link TrafficRecorder}. */
    record Recording(TrafficRecorder recorder) implements PollerListener {

        @Override
        public void opened(ConnectionInfo connection) {
            this.recorder.opened(connection.id(), connection.remoteAddress());
        }

        @Override
        public void read(ConnectionInfo connection, byte[] data) {
            this.recorder.read(connection.id(), data);
        }

        @Override
        public void peerClosed(ConnectionInfo connection) {
            this.recorder.eof(connection.id());
        }

        @Override
        public void closed(ConnectionInfo connection, CloseReason reason, String error) {
            this.recorder.closed(connection.id(), reason.name(), error);
        }

    }

}
