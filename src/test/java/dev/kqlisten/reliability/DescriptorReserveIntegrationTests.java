package dev.kqlisten.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.ChildApplication;
import dev.kqlisten.support.TestBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The descriptor reserve keeps monitoring alive when more clients connect than the process has
 * descriptors for. The application, web server and actuator included, runs in a child JVM under
 * {@code ulimit -n 256}; 400 clients connect. kqlisten's connections stop at the limit minus
 * {@code kqlisten.reserved-descriptors}, the rest wait in the kernel's accept queue, and
 * {@code /actuator/prometheus} answers every scrape, before, during and after the flood, with
 * {@code kqlisten_accept_paused} at 1 while accepting waits. When the clients leave, the queued
 * ones are accepted and read, and everything returns to zero.
 */
@Timeout(240)
class DescriptorReserveIntegrationTests {

    /** The child's RLIMIT_NOFILE (soft and hard). */
    private static final int DESCRIPTOR_LIMIT = 256;

    /**
     * Run from the test classpath, the started child holds about 110 descriptors, one per jar
     * among them (a {@code java -jar} holds about 20); the reserve covers them and leaves room
     * for the scrapes.
     */
    private static final int RESERVED = 160;

    private static final int BUDGET = DESCRIPTOR_LIMIT - RESERVED;

    /** More clients than the child has descriptors. */
    private static final int CLIENTS = 400;

    /** Clients connect in rounds, with a scrape after each. */
    private static final int ROUNDS = 20;

    /** Scrapes in a row while accepting is paused. */
    private static final int PAUSED_SCRAPES = 20;

    /** Bytes each client sends; they wait in the kernel until the client is accepted. */
    private static final int PAYLOAD = 7;

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(10);

    private static final Duration IDLE_WINDOW = Duration.ofSeconds(2);

    /** USER_HZ, the unit of /proc/<pid>/stat times. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    /** Paused without a timer, the poller waits; a spinning loop would use a whole core. */
    private static final double MAX_CPU_SHARE_WHILE_PAUSED = 0.15;

    private static final Pattern TOMCAT = Pattern.compile("Tomcat started on port (\\d+)");

    private static final Pattern KQLISTEN = Pattern.compile("Kqlisten started on 127\\.0\\.0\\.1:(\\d+) \\(it\\)");

    private static final Pattern RESERVE_WARNING = Pattern
        .compile("Listener 'it': kqlisten's connections hold all " + BUDGET + " descriptors they may use");

    private static final Pattern OUT_OF_DESCRIPTORS = Pattern.compile("Too many open files");

    private int scrapes;

    @BackendTest
    void everyScrapeSucceedsWhileMoreClientsConnectThanThereAreDescriptors(TestBackend backend) throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "reads /proc/<pid>");
        backend.assumeAvailable();
        List<String> args = new ArrayList<>();
        backend.springProperties().forEach((p) -> args.add("--" + p));
        args.addAll(List.of("--server.address=127.0.0.1", "--server.port=0", "--server.shutdown=immediate",
                "--management.endpoints.web.exposure.include=health,prometheus",
                "--kqlisten.reserved-descriptors=" + RESERVED, "--kqlisten.logging.enabled=false",
                "--kqlisten.listeners[0].name=it", "--kqlisten.listeners[0].address=127.0.0.1",
                "--kqlisten.listeners[0].port=0"));
        List<Socket> clients = new ArrayList<>();
        try (ChildApplication child = ChildApplication.start(DESCRIPTOR_LIMIT,
                List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m"), args)) {
            int httpPort = Integer.parseInt(child.awaitLine(TOMCAT, WAIT).group(1));
            int port = Integer.parseInt(child.awaitLine(KQLISTEN, WAIT).group(1));
            InetSocketAddress prometheus = new InetSocketAddress(InetAddress.getLoopbackAddress(), httpPort);

            // Warm-up: one connection through accept, read and close, and a scrape, so that the
            // classes of those paths are loaded while the child can still open files.
            try (Socket warm = new Socket(InetAddress.getLoopbackAddress(), port)) {
                warm.getOutputStream().write(new byte[PAYLOAD]);
            }
            awaitScrape(prometheus, (m) -> m.value("kqlisten_accepted_connections_total") == 1
                    && m.value("kqlisten_active_connections") == 0);
            int baseline = child.openDescriptors();
            assertThat(baseline).as("descriptors the started child holds; the reserve (" + RESERVED
                    + ") must cover them with room for the scrapes").isLessThanOrEqualTo(RESERVED - 24);

            // The flood, with a scrape after each round.
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < CLIENTS / ROUNDS; i++) {
                    Socket client = new Socket();
                    clients.add(client);
                    client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
                    client.getOutputStream().write(new byte[PAYLOAD]);
                }
                scrape(prometheus);
            }
            Metrics paused = awaitScrape(prometheus, (m) -> m.value("kqlisten_accept_paused") == 1
                    && m.value("kqlisten_active_connections") == BUDGET);
            assertThat(paused.value("kqlisten_accepted_connections_total")).isEqualTo(1 + BUDGET);
            assertThat(paused.value("kqlisten_accept_pauses_total", "reason=\"DESCRIPTOR_RESERVE\"")).isEqualTo(1);
            assertThat(paused.value("kqlisten_accept_pauses_total", "reason=\"DESCRIPTORS_EXHAUSTED\"")).isZero();
            assertThat(child.openDescriptors()).isLessThan(DESCRIPTOR_LIMIT - 16);

            // Paused, the poller waits for a closing connection: no timer, no spinning.
            long ticks = child.cpuTicks();
            long started = System.nanoTime();
            Thread.sleep(IDLE_WINDOW.toMillis());
            double share = (child.cpuTicks() - ticks) * 1e9 / CLOCK_TICKS_PER_SECOND / (System.nanoTime() - started);
            assertThat(share).as("CPU share of one core while paused").isLessThan(MAX_CPU_SHARE_WHILE_PAUSED);

            for (int i = 0; i < PAUSED_SCRAPES; i++) {
                assertThat(scrape(prometheus).value("kqlisten_accept_paused")).isEqualTo(1);
            }
            assertThat(child.matching(RESERVE_WARNING)).hasSize(1);

            // The clients leave: the queued ones are accepted, their bytes read, and all is back to zero.
            for (Socket client : clients) {
                client.close();
            }
            Metrics after = awaitScrape(prometheus,
                    (m) -> m.value("kqlisten_accepted_connections_total") == 1 + CLIENTS
                            && m.value("kqlisten_active_connections") == 0 && m.value("kqlisten_accept_paused") == 0);
            assertThat(after.value("kqlisten_received_bytes_total")).isEqualTo((1 + CLIENTS) * PAYLOAD);
            assertThat(after.value("kqlisten_rejected_connections_total", "reason=\"MAX_CONNECTIONS\"")).isZero();
            assertThat(child.matching(OUT_OF_DESCRIPTORS)).as("the child ran out of descriptors").isEmpty();
            System.out.printf("reserve[%s]: limit=%d reserved=%d baseline=%d budget=%d clients=%d scrapes=%d "
                    + "cpu=%.1f%% while paused%n", backend, DESCRIPTOR_LIMIT, RESERVED, baseline, BUDGET, CLIENTS,
                    this.scrapes, share * 100);
        }
        finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    /**
     * One scrape on a new connection, as a monitoring client that finds no kept-alive connection
     * makes it: the web server must accept it, so it needs a free descriptor. It must answer 200
     * within {@link #SCRAPE_TIMEOUT}. HTTP/1.0, so the answer ends with the connection.
     */
    private Metrics scrape(InetSocketAddress prometheus) throws IOException {
        this.scrapes++;
        try (Socket socket = new Socket()) {
            socket.connect(prometheus, (int) SCRAPE_TIMEOUT.toMillis());
            socket.setSoTimeout((int) SCRAPE_TIMEOUT.toMillis());
            socket.getOutputStream()
                .write("GET /actuator/prometheus HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).as("scrape " + this.scrapes).startsWith("HTTP/1.1 200 ");
            return new Metrics(response.substring(response.indexOf("\r\n\r\n") + 4));
        }
    }

    /** Scrapes until {@code condition} holds, each scrape asserted; at most {@link #WAIT}. */
    private Metrics awaitScrape(InetSocketAddress prometheus, Predicate<Metrics> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            Metrics metrics = scrape(prometheus);
            if (condition.test(metrics)) {
                return metrics;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("condition not reached within " + WAIT + "; last scrape:\n" + metrics.body);
            }
            Thread.sleep(100);
        }
    }

    /** The kqlisten series of listener {@code it} in one Prometheus text exposition. */
    private record Metrics(String body) {

        /** The value of {@code name} for listener {@code it} with every given label, or fails. */
        long value(String name, String... labels) {
            Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(this.body);
            while (matcher.find()) {
                String found = matcher.group(1);
                if (found.contains("listener=\"it\"") && List.of(labels).stream().allMatch(found::contains)) {
                    return (long) Double.parseDouble(matcher.group(2));
                }
            }
            throw new AssertionError("no series " + name + " " + List.of(labels) + " in:\n" + this.body);
        }

    }

}
