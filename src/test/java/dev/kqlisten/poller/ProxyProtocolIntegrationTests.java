package dev.kqlisten.poller;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.framing.Framing;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.Multiplexers;
import dev.kqlisten.net.CidrList;
import dev.kqlisten.poller.AccessSettings.ProxyProtocol;
import dev.kqlisten.proxy.ProxyHeaders;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.TestBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The PROXY protocol and allowed sources on the real loop, every backend: the client address a
 * trusted proxy reports replaces the peer's in events and limits, the bytes after the header are
 * the connection's first data, and every way a header can go wrong rejects the connection with a
 * reason before any event names it.
 */
@Tag("kqueue")
@Timeout(120)
class ProxyProtocolIntegrationTests {

    private static final CidrList LOOPBACK = CidrList.of("127.0.0.0/8", "::1");

    private static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.7", 40001);

    private static final InetSocketAddress FRONT = new InetSocketAddress("198.51.100.1", 514);

    @BackendTest
    void aV1HeaderFromATrustedProxyNamesTheClientAndTheRestIsData(TestBackend backend) throws Exception {
        Recorder recorder = new Recorder();
        try (Running server = Running.start(backend, access(ProxyProtocol.REQUIRED, LOOPBACK, CidrList.everyone()),
                64 * 1024, recorder); Socket proxy = server.connect()) {
            proxy.getOutputStream().write(ProxyHeaders.ascii("PROXY TCP4 203.0.113.7 198.51.100.1 40001 514\r\nhello"));
            ConnectionInfo info = recorder.opened.poll(60, TimeUnit.SECONDS);
            assertThat(info.remoteAddress()).isEqualTo(CLIENT);
            assertThat(info.proxyAddress()).isEqualTo(proxy.getLocalSocketAddress());
            assertThat(recorder.data(5)).isEqualTo("hello");
            proxy.getOutputStream().write(ProxyHeaders.ascii(" world"));
            assertThat(recorder.data(6)).isEqualTo(" world");
            proxy.shutdownOutput();
            assertThat(recorder.ends.poll(60, TimeUnit.SECONDS)).isEqualTo("closed:PEER_CLOSED");
        }
    }

    @BackendTest
    void aV2HeaderReadAFewBytesAtATimeAndALocalHealthCheck(TestBackend backend) throws Exception {
        Recorder recorder = new Recorder();
        // A 3-byte read buffer: the header arrives over many reads.
        try (Running server = Running.start(backend, access(ProxyProtocol.REQUIRED, LOOPBACK, CidrList.everyone()),
                3, recorder)) {
            InetSocketAddress v6Client = new InetSocketAddress("2001:db8::42", 50000);
            InetSocketAddress v6Front = new InetSocketAddress("2001:db8::1", 6514);
            try (Socket proxy = server.connect()) {
                byte[] header = ProxyHeaders.v2(0x21, 0x21, ProxyHeaders.block(v6Client, v6Front, ProxyHeaders.tlv(4, 40)));
                proxy.getOutputStream().write(ProxyHeaders.concat(header, ProxyHeaders.ascii("data")));
                ConnectionInfo info = recorder.opened.poll(60, TimeUnit.SECONDS);
                assertThat(info.remoteAddress()).isEqualTo(v6Client);
                assertThat(recorder.data(4)).isEqualTo("data");
            }
            assertThat(recorder.ends.poll(60, TimeUnit.SECONDS)).isEqualTo("closed:PEER_CLOSED");
            try (Socket check = server.connect()) {
                check.getOutputStream().write(ProxyHeaders.v2(0x20, 0x00, new byte[0]));
                ConnectionInfo info = recorder.opened.poll(60, TimeUnit.SECONDS);
                assertThat(info.remoteAddress()).as("LOCAL: the connection's own peer")
                    .isEqualTo(check.getLocalSocketAddress());
                assertThat(info.proxyAddress()).isNull();
            }
        }
    }

    @BackendTest
    void limitsCountTheClientAddressTheProxyReports(TestBackend backend) throws Exception {
        Recorder recorder = new Recorder();
        PollerLimits onePerAddress = new PollerLimits(0, 1, Duration.ZERO);
        try (Running server = Running.start(backend, access(ProxyProtocol.REQUIRED, LOOPBACK, CidrList.everyone()),
                onePerAddress, recorder); Socket first = server.connect(); Socket second = server.connect();
                Socket third = server.connect()) {
            first.getOutputStream().write(ProxyHeaders.ascii("PROXY TCP4 203.0.113.7 198.51.100.1 1 514\r\n"));
            assertThat(recorder.opened.poll(60, TimeUnit.SECONDS).remoteAddress().getPort()).isEqualTo(1);
            // Same proxy, another client: admitted; the first client again: rejected.
            second.getOutputStream().write(ProxyHeaders.ascii("PROXY TCP4 203.0.113.8 198.51.100.1 2 514\r\n"));
            assertThat(recorder.opened.poll(60, TimeUnit.SECONDS).remoteAddress().getPort()).isEqualTo(2);
            third.getOutputStream().write(ProxyHeaders.ascii("PROXY TCP4 203.0.113.7 198.51.100.1 3 514\r\n"));
            assertThat(recorder.rejected.poll(60, TimeUnit.SECONDS))
                .isEqualTo("MAX_CONNECTIONS_PER_ADDRESS 203.0.113.7:3");
            assertThat(third.getInputStream().read()).isEqualTo(-1);
        }
    }

    @BackendTest
    void everyBadHeaderIsRejectedWithItsReason(TestBackend backend) throws Exception {
        Recorder recorder = new Recorder();
        AccessSettings access = new AccessSettings(CidrList.everyone(), ProxyProtocol.REQUIRED, LOOPBACK,
                Duration.ofMillis(300));
        try (Running server = Running.start(backend, access, 64 * 1024, recorder)) {
            expectRejected(server, recorder, ProxyHeaders.ascii("GET / HTTP/1.1\r\n\r\n"), "PROXY_HEADER_INVALID");
            expectRejected(server, recorder, ProxyHeaders.ascii("PROXY TCP4 999.1.1.1 1.1.1.1 1 2\r\n"),
                    "PROXY_HEADER_INVALID");
            // Incomplete, then silence: the header timeout.
            expectRejected(server, recorder, ProxyHeaders.ascii("PROXY TCP4 203.0.113.7"), "PROXY_HEADER_TIMEOUT");
            // Incomplete, then the end of the stream.
            try (Socket client = server.connect()) {
                client.getOutputStream().write(ProxyHeaders.ascii("PROXY TC"));
                client.shutdownOutput();
                assertThat(recorder.rejected.poll(60, TimeUnit.SECONDS)).startsWith("PROXY_HEADER_INVALID");
            }
            assertThat(recorder.opened).isEmpty();
            assertThat(server.poller().stats().rejected(RejectReason.PROXY_HEADER_INVALID)).isEqualTo(3);
            assertThat(server.poller().stats().rejected(RejectReason.PROXY_HEADER_TIMEOUT)).isEqualTo(1);
        }
    }

    @BackendTest
    void untrustedPeersAreRefused(TestBackend backend) throws Exception {
        Recorder recorder = new Recorder();
        CidrList elsewhere = CidrList.of("10.0.0.0/8");
        try (Running server = Running.start(backend, access(ProxyProtocol.REQUIRED, elsewhere, CidrList.everyone()),
                64 * 1024, recorder); Socket client = server.connect()) {
            // Required: refused at accept, before any byte.
            assertThat(recorder.rejected.poll(60, TimeUnit.SECONDS)).startsWith("UNTRUSTED_PROXY 127.0.0.1:");
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        try (Running server = Running.start(backend, access(ProxyProtocol.OPTIONAL, elsewhere, CidrList.everyone()),
                64 * 1024, recorder); Socket spoofer = server.connect(); Socket direct = server.connect()) {
            // Optional: a header from an untrusted peer is refused; plain bytes make a direct client.
            spoofer.getOutputStream().write(ProxyHeaders.ascii("PROXY TCP4 203.0.113.7 198.51.100.1 1 514\r\n"));
            assertThat(recorder.rejected.poll(60, TimeUnit.SECONDS)).startsWith("UNTRUSTED_PROXY 127.0.0.1:");
            direct.getOutputStream().write(ProxyHeaders.ascii("plain"));
            assertThat(recorder.opened.poll(60, TimeUnit.SECONDS).remoteAddress())
                .isEqualTo(direct.getLocalSocketAddress());
            assertThat(recorder.data(5)).isEqualTo("plain");
        }
    }

    /** Optional mode: bytes that begin like a header but are none reach the application whole. */
    @BackendTest
    void optionalModeHandsADirectClientsBytesOverWhole(TestBackend backend) throws Exception {
        Recorder recorder = new Recorder();
        try (Running server = Running.start(backend, access(ProxyProtocol.OPTIONAL, LOOPBACK, CidrList.everyone()),
                2, recorder); Socket client = server.connect()) {
            client.getOutputStream().write(ProxyHeaders.ascii("PROXIMITY alert\n"));
            assertThat(recorder.opened.poll(60, TimeUnit.SECONDS).proxyAddress()).isNull();
            assertThat(recorder.data(16)).isEqualTo("PROXIMITY alert\n");
        }
    }

    @BackendTest
    void allowedSourcesApplyToDirectPeersAndToTheClientsAProxyReports(TestBackend backend) throws Exception {
        Recorder recorder = new Recorder();
        CidrList tenNet = CidrList.of("10.0.0.0/8");
        try (Running server = Running.start(backend, access(ProxyProtocol.OFF, CidrList.everyone(), tenNet), 1024,
                recorder); Socket client = server.connect()) {
            assertThat(recorder.rejected.poll(60, TimeUnit.SECONDS)).startsWith("SOURCE_NOT_ALLOWED 127.0.0.1:");
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
        try (Running server = Running.start(backend, access(ProxyProtocol.REQUIRED, LOOPBACK, tenNet), 1024,
                recorder); Socket allowed = server.connect(); Socket denied = server.connect()) {
            allowed.getOutputStream().write(ProxyHeaders.ascii("PROXY TCP4 10.1.2.3 198.51.100.1 7 514\r\n"));
            assertThat(recorder.opened.poll(60, TimeUnit.SECONDS).remoteAddress())
                .isEqualTo(new InetSocketAddress("10.1.2.3", 7));
            denied.getOutputStream().write(ProxyHeaders.ascii("PROXY TCP4 192.0.2.1 198.51.100.1 8 514\r\n"));
            assertThat(recorder.rejected.poll(60, TimeUnit.SECONDS)).isEqualTo("SOURCE_NOT_ALLOWED 192.0.2.1:8");
            assertThat(server.poller().stats().rejected(RejectReason.SOURCE_NOT_ALLOWED)).isEqualTo(1);
        }
        try (Running server = Running.start(backend, InetAddress.getByName("::1"),
                access(ProxyProtocol.OFF, CidrList.everyone(), CidrList.of("::1/128")), recorder);
                Socket v6 = new Socket("::1", server.poller().localAddress().getPort())) {
            assertThat(recorder.opened.poll(60, TimeUnit.SECONDS).remoteAddress().getAddress())
                .isEqualTo(InetAddress.getByName("::1"));
        }
    }

    private static void expectRejected(Running server, Recorder recorder, byte[] bytes, String reason)
            throws Exception {
        try (Socket client = server.connect()) {
            client.getOutputStream().write(bytes);
            assertThat(recorder.rejected.poll(60, TimeUnit.SECONDS)).startsWith(reason + " 127.0.0.1:");
            assertThat(client.getInputStream().read()).isEqualTo(-1);
        }
    }

    private static AccessSettings access(ProxyProtocol mode, CidrList trusted, CidrList allowed) {
        return new AccessSettings(allowed, mode, trusted, Duration.ofSeconds(5));
    }

    static final class Recorder implements PollerListener {

        final BlockingQueue<ConnectionInfo> opened = new LinkedBlockingQueue<>();

        final BlockingQueue<String> rejected = new LinkedBlockingQueue<>();

        final BlockingQueue<String> ends = new LinkedBlockingQueue<>();

        private final StringBuffer data = new StringBuffer();

        private final Object monitor = new Object();

        /** Waits for {@code length} more bytes of data and returns them. */
        String data(int length) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            synchronized (this.monitor) {
                while (this.data.length() < length) {
                    long left = deadline - System.nanoTime();
                    assertThat(left).as("waiting for %d bytes, have '%s'", length, this.data).isPositive();
                    TimeUnit.NANOSECONDS.timedWait(this.monitor, left);
                }
                String taken = this.data.substring(0, length);
                this.data.delete(0, length);
                return taken;
            }
        }

        @Override
        public void opened(ConnectionInfo connection) {
            this.opened.add(connection);
        }

        @Override
        public void read(ConnectionInfo connection, byte[] bytes) {
            synchronized (this.monitor) {
                this.data.append(new String(bytes, StandardCharsets.ISO_8859_1));
                this.monitor.notifyAll();
            }
        }

        @Override
        public void peerClosed(ConnectionInfo connection) {
        }

        @Override
        public void closed(ConnectionInfo connection, CloseReason reason, String error) {
            this.ends.add("closed:" + reason);
        }

        @Override
        public void rejected(String listenerName, InetSocketAddress remoteAddress, RejectReason reason) {
            this.rejected.add(reason + " " + remoteAddress.getAddress().getHostAddress() + ":" + remoteAddress.getPort());
        }

    }

    record Running(Poller poller, Thread thread) implements AutoCloseable {

        static Running start(TestBackend backend, AccessSettings access, int readBufferSize, PollerListener listener)
                throws Exception {
            return start(backend, InetAddress.getLoopbackAddress(), access, readBufferSize, PollerLimits.NONE,
                    listener);
        }

        static Running start(TestBackend backend, AccessSettings access, PollerLimits limits, PollerListener listener)
                throws Exception {
            return start(backend, InetAddress.getLoopbackAddress(), access, 1024, limits, listener);
        }

        static Running start(TestBackend backend, InetAddress address, AccessSettings access, PollerListener listener)
                throws Exception {
            return start(backend, address, access, 1024, PollerLimits.NONE, listener);
        }

        static Running start(TestBackend backend, InetAddress address, AccessSettings access, int readBufferSize,
                PollerLimits limits, PollerListener listener) throws Exception {
            backend.assumeAvailable();
            ListenSpec spec = new ListenSpec(address, 0, 0, true, false, false);
            PollerConfig config = new PollerConfig("it", spec, readBufferSize, limits, DescriptorBudget.unlimited(),
                    Framing.RAW, WriteSettings.DEFAULTS, access);
            Poller poller = Poller.open(config, Multiplexers.open(backend.options(256, readBufferSize)), 256, listener);
            Thread thread = new Thread(poller, "kqlisten-poller-it");
            thread.start();
            return new Running(poller, thread);
        }

        Socket connect() throws Exception {
            return new Socket(this.poller.localAddress().getAddress(), this.poller.localAddress().getPort());
        }

        @Override
        public void close() throws InterruptedException {
            this.poller.shutdown();
            this.thread.join(60_000);
            assertThat(this.thread.isAlive()).as("poller thread stopped").isFalse();
        }

    }

}
