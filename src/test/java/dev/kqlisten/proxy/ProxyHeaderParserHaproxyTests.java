package dev.kqlisten.proxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.kqlisten.support.Haproxy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The parser against what a real sender puts on the wire: Debian's haproxy in TCP mode relays a
 * plain JDK client to a plain {@link ServerSocket}, once with {@code send-proxy} (v1) and once
 * with {@code send-proxy-v2}, from IPv4 and IPv6 frontends; the parser must decode the client's
 * real address and port, the frontend it reached, and leave the client's bytes after the header
 * exactly as sent. Two more backends only health-check a socket with {@code check-send-proxy}: the
 * v2 check must read as {@code LOCAL}. Missing haproxy skips locally and fails in CI
 * ({@link dev.kqlisten.support.ExternalTool}); {@code .ci/run} installs it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyHeaderParserHaproxyTests {

    private static final byte[] PAYLOAD = "hello through haproxy\n".getBytes(StandardCharsets.US_ASCII);

    private static final InetAddress IPV4 = InetAddress.getLoopbackAddress();

    private static ServerSocket relayed;

    private static ServerSocket checkedV1;

    private static ServerSocket checkedV2;

    private static Haproxy haproxy;

    private static final int[] frontends = new int[4];

    @BeforeAll
    static void startHaproxy(@TempDir Path directory) throws Exception {
        relayed = new ServerSocket(0, 50, IPV4);
        checkedV1 = new ServerSocket(0, 50, IPV4);
        checkedV2 = new ServerSocket(0, 50, IPV4);
        InetAddress ipv6 = InetAddress.getByName("::1");
        haproxy = Haproxy.startWithFreePorts(directory, () -> {
            frontends[0] = Haproxy.freePort(IPV4);
            frontends[1] = Haproxy.freePort(IPV4);
            frontends[2] = Haproxy.freePort(ipv6);
            frontends[3] = Haproxy.freePort(ipv6);
            return """
                    defaults
                        mode tcp
                        timeout connect 5s
                        timeout client 60s
                        timeout server 60s
                    frontend v1_ipv4
                        bind 127.0.0.1:%d
                        default_backend v1
                    frontend v2_ipv4
                        bind 127.0.0.1:%d
                        default_backend v2
                    frontend v1_ipv6
                        bind [::1]:%d
                        default_backend v1
                    frontend v2_ipv6
                        bind [::1]:%d
                        default_backend v2
                    backend v1
                        server relay 127.0.0.1:%d send-proxy
                    backend v2
                        server relay 127.0.0.1:%d send-proxy-v2
                    backend checked_v1
                        server checked 127.0.0.1:%d send-proxy check check-send-proxy inter 200ms
                    backend checked_v2
                        server checked 127.0.0.1:%d send-proxy-v2 check check-send-proxy inter 200ms
                    """.formatted(frontends[0], frontends[1], frontends[2], frontends[3], relayed.getLocalPort(),
                    relayed.getLocalPort(), checkedV1.getLocalPort(), checkedV2.getLocalPort());
        });
    }

    @AfterAll
    static void stopHaproxy() throws Exception {
        try {
            if (haproxy != null) {
                haproxy.close();
            }
        }
        finally {
            for (ServerSocket socket : new ServerSocket[] { relayed, checkedV1, checkedV2 }) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void v1FromAnIpv4ClientCarriesItsAddress() throws Exception {
        assertRelayed(new InetSocketAddress(IPV4, frontends[0]), 1);
    }

    @Test
    void v2FromAnIpv4ClientCarriesItsAddress() throws Exception {
        assertRelayed(new InetSocketAddress(IPV4, frontends[1]), 2);
    }

    @Test
    void v1FromAnIpv6ClientCarriesItsAddress() throws Exception {
        assertRelayed(new InetSocketAddress(InetAddress.getByName("::1"), frontends[2]), 1);
    }

    @Test
    void v2FromAnIpv6ClientCarriesItsAddress() throws Exception {
        assertRelayed(new InetSocketAddress(InetAddress.getByName("::1"), frontends[3]), 2);
    }

    /** HAProxy's v2 health check is the spec's LOCAL command: keep the connection's own addresses. */
    @Test
    void v2HealthCheckIsLocal() throws Exception {
        try (Socket check = accept(checkedV2)) {
            Received received = readHeader(check);
            assertThat(received.parser.status()).as(received.hex()).isEqualTo(ProxyHeaderStatus.DONE);
            assertThat(received.parser.version()).isEqualTo(2);
            assertThat(received.parser.isLocal()).as(received.hex()).isTrue();
        }
    }

    /**
     * HAProxy's v1 health check follows the spec's advice (section 2.1) and describes the check
     * connection itself: its source is the peer the backend sees.
     */
    @Test
    void v1HealthCheckDescribesTheCheckConnection() throws Exception {
        try (Socket check = accept(checkedV1)) {
            Received received = readHeader(check);
            assertThat(received.parser.status()).as(received.hex()).isEqualTo(ProxyHeaderStatus.DONE);
            assertThat(received.parser.version()).isEqualTo(1);
            if (!received.parser.isLocal()) {
                assertThat(received.parser.source()).isEqualTo(check.getRemoteSocketAddress());
                assertThat(received.parser.destination()).isEqualTo(checkedV1.getLocalSocketAddress());
            }
        }
    }

    private static void assertRelayed(InetSocketAddress frontend, int version) throws Exception {
        try (Socket client = new Socket()) {
            client.connect(frontend, 10_000);
            OutputStream out = client.getOutputStream();
            out.write(PAYLOAD);
            out.flush();
            try (Socket server = accept(relayed)) {
                Received received = readHeader(server);
                ProxyHeaderParser parser = received.parser;
                assertThat(parser.status()).as(received.hex()).isEqualTo(ProxyHeaderStatus.DONE);
                assertThat(parser.version()).isEqualTo(version);
                assertThat(parser.isLocal()).isFalse();
                assertThat(parser.source()).as(received.hex()).isEqualTo(client.getLocalSocketAddress());
                assertThat(parser.destination()).as(received.hex()).isEqualTo(frontend);
                // The application's bytes after the header, untouched, however many reads they took.
                ByteArrayOutputStream data = new ByteArrayOutputStream();
                data.write(received.afterHeader);
                InputStream in = server.getInputStream();
                while (data.size() < PAYLOAD.length) {
                    int b = in.read();
                    assertThat(b).as("the stream ended after %d bytes", data.size()).isNotNegative();
                    data.write(b);
                }
                assertThat(data.toByteArray()).isEqualTo(PAYLOAD);
                // The same header one byte at a time decodes the same.
                ProxyHeaderParser byteWise = new ProxyHeaderParser();
                for (byte b : received.header) {
                    byteWise.feed(ByteBuffer.wrap(new byte[] { b }));
                }
                assertThat(ProxyHeaders.summary(byteWise)).isEqualTo(ProxyHeaders.summary(parser));
            }
        }
    }

    private static Socket accept(ServerSocket server) throws IOException {
        server.setSoTimeout(30_000);
        Socket socket = server.accept();
        socket.setSoTimeout(30_000);
        return socket;
    }

    /** Reads whatever arrives, feeding each read to a parser, until it is done or failed. */
    private static Received readHeader(Socket socket) throws IOException {
        ProxyHeaderParser parser = new ProxyHeaderParser();
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        InputStream in = socket.getInputStream();
        while (parser.status() == ProxyHeaderStatus.NEED_MORE) {
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            ByteBuffer read = ByteBuffer.wrap(buffer, 0, n);
            parser.feed(read);
            header.write(buffer, 0, read.position());
            if (parser.status() == ProxyHeaderStatus.DONE) {
                byte[] rest = new byte[read.remaining()];
                read.get(rest);
                return new Received(parser, header.toByteArray(), rest);
            }
        }
        return new Received(parser, header.toByteArray(), new byte[0]);
    }

    private record Received(ProxyHeaderParser parser, byte[] header, byte[] afterHeader) {

        String hex() {
            return "header " + HexFormat.ofDelimiter(" ").formatHex(header) + " ("
                    + new String(header, StandardCharsets.ISO_8859_1).replace("\r\n", "\\r\\n") + ")";
        }

    }

}
