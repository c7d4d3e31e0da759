package dev.kqlisten;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kqlisten.support.ConnectionTrace;
import dev.kqlisten.support.Haproxy;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestBackend;
import dev.kqlisten.support.TrafficRecorder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two kqlisten instances behind Debian's haproxy in TCP mode with {@code send-proxy-v2}, as the
 * README's deployment describes: haproxy checks each instance's readiness endpoint, traffic
 * spreads over both, every connection carries its client's real address, and one instance drains
 * gracefully (losing no byte) while the other takes the new connections.
 */
@Timeout(180)
class HaproxyDeploymentIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void twoInstancesBehindHaproxyKeepClientAddressesAndOneDrainsWithoutLoss() throws Exception {
        TestBackend backend = TestBackend.all().get(0);
        try (ConfigurableApplicationContext a = instance(backend, "a");
                ConfigurableApplicationContext b = instance(backend, "b")) {
            int[] frontPort = new int[1];
            try (Haproxy haproxy = Haproxy.startWithFreePorts(this.dir, () -> {
                frontPort[0] = Haproxy.freePort(InetAddress.getLoopbackAddress());
                return config(frontPort[0], a, b);
            })) {
                TrafficRecorder onA = TestApplication.events(a).recorder();
                TrafficRecorder onB = TestApplication.events(b).recorder();
                // Ten clients through haproxy: both instances serve some, each sees the client's address.
                List<Socket> clients = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    Socket client = new Socket(InetAddress.getLoopbackAddress(), frontPort[0]);
                    client.getOutputStream().write(("hello " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    clients.add(client);
                }
                awaitOpened(onA, onB, 10);
                assertThat(onA.traces()).as("instance a served some").isNotEmpty();
                assertThat(onB.traces()).as("instance b served some").isNotEmpty();
                List<Socket> onInstanceA = new ArrayList<>();
                for (Socket client : clients) {
                    // The client's own port arrives as the connection's remote port (PROXY v2).
                    int port = client.getLocalPort();
                    boolean atA = onA.traces().values().stream().anyMatch((t) -> t.remote().getPort() == port);
                    boolean atB = onB.traces().values().stream().anyMatch((t) -> t.remote().getPort() == port);
                    assertThat(atA ^ atB).as("client port %d seen by exactly one instance", port).isTrue();
                    if (atA) {
                        onInstanceA.add(client);
                    }
                }
                // Instance a drains: readiness goes down, its listening socket closes, its open
                // connections are served until they end.
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(a::close);
                awaitRefusing(TestApplication.port(a));
                long[] sentToA = new long[onInstanceA.size()];
                for (int i = 0; i < onInstanceA.size(); i++) {
                    byte[] more = ("still talking to a, client " + i + "\n").repeat(100).getBytes(StandardCharsets.US_ASCII);
                    onInstanceA.get(i).getOutputStream().write(more);
                    sentToA[i] = ("hello N\n".length()) + more.length;
                }
                // New clients meanwhile: haproxy sends them to b.
                int bBefore = onB.traces().size();
                List<Socket> late = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    Socket client = new Socket(InetAddress.getLoopbackAddress(), frontPort[0]);
                    client.getOutputStream().write(("late " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                    late.add(client);
                }
                try {
                    onB.awaitOpened(bBefore + 5, WAIT);
                }
                catch (java.util.concurrent.TimeoutException ex) {
                    onB.traces().values().forEach((t) -> System.out.println("b: " + t.remote() + " " + t.shape() + " " + t.closeReason() + " " + t.closeError()));
                    onA.traces().values().forEach((t) -> System.out.println("a: " + t.remote() + " " + t.shape() + " " + t.closeReason() + " " + t.closeError()));
                    System.out.println(haproxy.log());
                    throw ex;
                }
                for (Socket client : late) {
                    assertThat(onB.byClientPort(client.getLocalPort())).isNotNull();
                }
                for (Socket client : onInstanceA) {
                    client.shutdownOutput();
                }
                stopped.get(60, TimeUnit.SECONDS);
                for (int i = 0; i < onInstanceA.size(); i++) {
                    ConnectionTrace trace = onA.byClientPort(onInstanceA.get(i).getLocalPort());
                    assertThat(trace.closeReason()).as("a's connection %d", i).isEqualTo("PEER_CLOSED");
                    assertThat(trace.count()).as("bytes a received on connection %d", i).isEqualTo(sentToA[i]);
                }
                for (Socket client : clients) {
                    client.close();
                }
                for (Socket client : late) {
                    client.close();
                }
            }
        }
    }

    private static void awaitOpened(TrafficRecorder onA, TrafficRecorder onB, int total) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (onA.traces().size() + onB.traces().size() < total) {
            assertThat(System.nanoTime() - deadline).as("%d connections opened", total).isNegative();
            Thread.sleep(10);
        }
    }

    /** Waits until the drained instance's listening port refuses connections. */
    private static void awaitRefusing(int port) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            }
            catch (IOException refused) {
                return;
            }
            assertThat(System.nanoTime() - deadline).as("port %d closed by the drain", port).isNegative();
            Thread.sleep(10);
        }
    }

    private static ConfigurableApplicationContext instance(TestBackend backend, String name) {
        return TestApplication.start(backend, "--kqlisten.listeners[0].name=" + name,
                "--kqlisten.listeners[0].proxy-protocol=required", "--kqlisten.listeners[0].trusted-proxies=127.0.0.1",
                "--server.shutdown=graceful", "--kqlisten.shutdown-timeout=30s",
                "--management.endpoint.health.probes.enabled=true");
    }

    private static String config(int frontPort, ConfigurableApplicationContext a, ConfigurableApplicationContext b) {
        return """
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout check 5s
                    timeout client 60s
                    timeout server 60s
                    retries 3
                    option redispatch

                frontend kqlisten
                    bind 127.0.0.1:%d
                    default_backend instances

                backend instances
                    balance roundrobin
                    option httpchk GET /actuator/health/readiness
                    http-check expect status 200
                    server a 127.0.0.1:%d send-proxy-v2 check port %d inter 200ms fall 2 rise 1
                    server b 127.0.0.1:%d send-proxy-v2 check port %d inter 200ms fall 2 rise 1
                """.formatted(frontPort, TestApplication.port(a), webPort(a), TestApplication.port(b), webPort(b));
    }

    private static int webPort(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

}
