package dev.kqlisten.reliability;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.ChildApplication;
import dev.kqlisten.support.TestBackend;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Running out of descriptors (EMFILE) for real: the application runs in a child JVM whose
 * descriptor limit leaves room for only a few connections, and more clients connect than fit.
 * The listener must pause accepting instead of spinning on a listening socket that stays
 * readable (the child stays near idle), keep serving the connections it has, and accept the
 * queued clients once descriptors are freed.
 */
@Tag("kqueue")
@Timeout(180)
class DescriptorExhaustionIntegrationTests {

    /**
     * The child's RLIMIT_NOFILE. The started application holds about 110 descriptors (jar
     * files, the JVM's own, the listener and its epoll or kqueue); the test measures the real
     * number and opens more clients than the rest allows.
     */
    private static final int DESCRIPTOR_LIMIT = 150;

    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Clients beyond what fits: they wait in the kernel's accept queue. */
    private static final int QUEUED = 10;

    /** Clients closed to free descriptors; as many queued ones must then be accepted. */
    private static final int RELEASED = 5;

    /** An odd size, sent in one write, so the child logs it as one read. */
    private static final int MARKER = 1357;

    /** How long the paused child's CPU time is measured. */
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(3);

    /** USER_HZ, the unit of /proc/<pid>/stat times: 100 on every Linux architecture kqlisten supports. */
    private static final int CLOCK_TICKS_PER_SECOND = 100;

    /**
     * Measured while paused: about 0-2% (the retry every second plus the JVM's own threads).
     * A loop spinning on EMFILE uses a whole core, 100%. The bound leaves room for JIT and GC
     * work that the moment happens to catch on a loaded machine.
     */
    private static final double MAX_CPU_SHARE_WHILE_PAUSED = 0.15;

    private static final Pattern LISTENING = Pattern
        .compile("\\[it\\] listening on 127\\.0\\.0\\.1:(\\d+) \\((\\w+)\\)");

    private static final Pattern OPENED = Pattern.compile("\\[it\\] #(\\d+) opened from 127\\.0\\.0\\.1:(\\d+)");

    private static final Pattern PAUSED = Pattern.compile("Listener 'it': accept failed: EMFILE .*accepting paused");

    @BackendTest
    void acceptingPausesWhenDescriptorsRunOutAndResumesWhenOneIsFreed(TestBackend backend) throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "reads /proc/<pid>");
        backend.assumeAvailable();
        List<String> args = new ArrayList<>();
        backend.springProperties().forEach((p) -> args.add("--" + p));
        // No reserve: this test is about EMFILE itself (DescriptorReserveIntegrationTests covers the reserve).
        args.addAll(List.of("--spring.main.web-application-type=none", "--server.shutdown=immediate",
                "--kqlisten.reserved-descriptors=0",
                "--kqlisten.listeners[0].name=it", "--kqlisten.listeners[0].address=127.0.0.1",
                "--kqlisten.listeners[0].port=0",
                // Connection lines are DEBUG and data lines TRACE by default (bounded logs); this test reads them.
                "--logging.level.dev.kqlisten.boot.TcpEventLogger=trace"));
        List<Socket> clients = new ArrayList<>();
        try (ChildApplication child = ChildApplication.start(DESCRIPTOR_LIMIT,
                List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx128m"), args)) {
            Matcher listening = child.awaitLine(LISTENING, WAIT);
            int port = Integer.parseInt(listening.group(1));
            assertThat(listening.group(2)).isEqualTo(backend.backend().name().toLowerCase(Locale.ROOT));

            // Warm-up: one connection through open, read, EOF and close, so the classes of those
            // paths are loaded while the child can still open class files.
            try (Socket warm = new Socket(InetAddress.getLoopbackAddress(), port)) {
                warm.getOutputStream().write(new byte[3]);
                warm.shutdownOutput();
                child.awaitLine(Pattern.compile("\\[it\\] #\\d+ closed: PEER_CLOSED"), WAIT);
            }
            Socket holder = connect(port, clients);
            long holderId = idOf(child.awaitLines(OPENED, 2, WAIT), holder);

            int free = DESCRIPTOR_LIMIT - child.openDescriptors();
            assertThat(free).as("descriptors left in the child after start-up (limit " + DESCRIPTOR_LIMIT + ")")
                .isBetween(5, 200);
            for (int i = 0; i < free + QUEUED; i++) {
                connect(port, clients);
            }
            child.awaitLine(PAUSED, WAIT);
            int opened = child.awaitLines(OPENED, 2 + free - 1, WAIT).size();
            assertThat(child.openDescriptors()).isLessThanOrEqualTo(DESCRIPTOR_LIMIT);

            // Paused, the child is near idle: no loop spinning on the readable listener. The sleep
            // is the measurement window, not a wait for something to happen.
            long ticks = child.cpuTicks();
            long started = System.nanoTime();
            Thread.sleep(IDLE_WINDOW.toMillis());
            long used = child.cpuTicks() - ticks;
            double share = used * 1e9 / CLOCK_TICKS_PER_SECOND / (System.nanoTime() - started);
            System.out.printf("emfile[%s]: free=%d opened=%d cpu=%.1f%% of one core while paused%n", backend, free,
                    opened, share * 100);
            assertThat(share).as("CPU share of one core while paused").isLessThan(MAX_CPU_SHARE_WHILE_PAUSED);

            // Admitted connections are still served.
            holder.getOutputStream().write(new byte[MARKER]);
            child.awaitLine(Pattern.compile("\\[it\\] #" + holderId + " received " + MARKER + " bytes"), WAIT);

            // Freed descriptors let the queued clients in: accepted first-in first-out, so the
            // oldest clients of the flood were admitted, and closing them frees their descriptors.
            int openedBefore = child.matching(OPENED).size();
            for (int i = 1; i <= RELEASED; i++) {
                clients.get(i).close();
            }
            child.awaitLines(OPENED, openedBefore + RELEASED, WAIT);
        }
        finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    /** The connection id the child logged for {@code client}, by its port. */
    private static long idOf(List<Matcher> opened, Socket client) {
        return opened.stream()
            .filter((m) -> Integer.parseInt(m.group(2)) == client.getLocalPort())
            .mapToLong((m) -> Long.parseLong(m.group(1)))
            .findFirst()
            .orElseThrow(() -> new AssertionError(
                    "the child did not log the connection from port " + client.getLocalPort()));
    }

    private static Socket connect(int port, List<Socket> clients) throws IOException {
        Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
        clients.add(client);
        return client;
    }

}
