package dev.kqlisten;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import dev.kqlisten.boot.event.TcpConnectionClosedEvent;
import dev.kqlisten.boot.event.TcpFramingErrorEvent;
import dev.kqlisten.boot.event.TcpMessageReceivedEvent;
import dev.kqlisten.boot.event.TcpPartialMessageEvent;
import dev.kqlisten.boot.event.TcpPeerClosedEvent;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.ExternalTool;
import dev.kqlisten.support.Rsyslog;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Framed listeners end to end, on every backend: a plain socket client writing lines in random
 * pieces, a line too long, a stream that ends inside a line, and real syslog senders (logger with
 * and without octet counting, rsyslog's omfwd) into one octet-counting listener with the lines
 * fallback. Every message arrives once, whole, in order, as a {@link TcpMessageReceivedEvent}.
 * Tagged kqueue: it also runs on the darwin and libkqueue builds of the test library.
 */
@Tag("kqueue")
@Timeout(180)
class FramingIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @BackendTest
    void linesArriveWholeHoweverTheClientWritesThem(TestBackend backend) throws Exception {
        List<String> lines = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(7);
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            String line = "line-" + i + " " + "x".repeat(random.nextInt(0, 300));
            lines.add(line);
            stream.append(line).append((i % 3 == 0) ? "\r\n" : "\n");
        }
        try (ConfigurableApplicationContext context = start(backend, "--kqlisten.listeners[0].framing=lines",
                "--kqlisten.listeners[0].read-buffer-size=1KB")) {
            Messages messages = context.getBean(Messages.class);
            try (Socket client = connect(context)) {
                client.setTcpNoDelay(true);
                writeInPieces(client.getOutputStream(), stream.toString().getBytes(StandardCharsets.US_ASCII), random);
                client.shutdownOutput();
                messages.awaitClosed(1);
            }
            long id = messages.closed.keySet().iterator().next();
            assertThat(messages.of(id)).isEqualTo(lines);
            assertThat(messages.closed.get(id)).isEqualTo("PEER_CLOSED");
            assertThat(messages.partial).isEmpty();
            assertThat(messages.errors).isEmpty();
        }
    }

    @BackendTest
    void aLineLongerThanTheMaximumClosesItsConnectionAfterTheLinesBeforeIt(TestBackend backend) throws Exception {
        try (ConfigurableApplicationContext context = start(backend, "--kqlisten.listeners[0].framing=lines",
                "--kqlisten.listeners[0].max-frame-length=16B")) {
            Messages messages = context.getBean(Messages.class);
            try (Socket client = connect(context)) {
                client.getOutputStream().write(("ok\n" + "y".repeat(17) + "\nnever\n").getBytes(StandardCharsets.US_ASCII));
                messages.awaitClosed(1);
            }
            long id = messages.closed.keySet().iterator().next();
            assertThat(messages.of(id)).containsExactly("ok");
            assertThat(messages.errors).containsExactly(id + " FRAME_TOO_LONG@3");
            assertThat(messages.closed.get(id)).isEqualTo("FRAME_TOO_LONG");
        }
    }

    @BackendTest
    void theBytesAfterTheLastLineArePublishedAsAPartialMessageBeforeTheEof(TestBackend backend) throws Exception {
        try (ConfigurableApplicationContext context = start(backend, "--kqlisten.listeners[0].framing=lines")) {
            Messages messages = context.getBean(Messages.class);
            try (Socket client = connect(context)) {
                client.getOutputStream().write("first\nunfinished".getBytes(StandardCharsets.US_ASCII));
                client.shutdownOutput();
                messages.awaitClosed(1);
            }
            long id = messages.closed.keySet().iterator().next();
            assertThat(messages.of(id)).containsExactly("first");
            assertThat(messages.partial).containsExactly(id + " unfinished@6");
            assertThat(messages.order.get(id)).containsSubsequence("partial", "eof", "closed");
        }
    }

    @BackendTest
    void realSyslogSendersIntoOneOctetCountingListener(TestBackend backend) throws Exception {
        Path logger = ExternalTool.require("logger", "bsdutils", "/usr/bin", "/bin");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sent.add("msg-%04d %s".formatted(i, "z".repeat(i % 97)));
        }
        Path file = this.dir.resolve("messages.txt");
        Files.write(file, sent, StandardCharsets.US_ASCII);
        try (ConfigurableApplicationContext context = start(backend,
                "--kqlisten.listeners[0].framing=octet-counting",
                "--kqlisten.listeners[0].lines-fallback=true")) {
            Messages messages = context.getBean(Messages.class);
            int port = TestApplication.port(context);
            run(logger.toString(), "--tcp", "--octet-count", "-n", "127.0.0.1", "-P", String.valueOf(port), "-t",
                    "kqtest", "-f", file.toString());
            run(logger.toString(), "--tcp", "-n", "127.0.0.1", "-P", String.valueOf(port), "-t", "kqtest", "-f",
                    file.toString());
            try (Rsyslog rsyslog = Rsyslog.forwardTo(this.dir, port, "octet-counted")) {
                try (Socket client = new Socket(InetAddress.getLoopbackAddress(), rsyslog.inputPort())) {
                    OutputStream out = client.getOutputStream();
                    for (String message : sent) {
                        out.write(("<13>Nov 30 12:00:00 sender kqtest: " + message + "\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    }
                }
                messages.await(() -> messages.total() >= 3 * sent.size(), "900 messages");
            }
            messages.awaitClosed(3);
            assertThat(messages.errors).isEmpty();
            assertThat(messages.partial).isEmpty();
            assertThat(messages.closed).hasSize(3);
            for (long id : messages.closed.keySet()) {
                List<String> received = messages.of(id);
                assertThat(received).hasSameSizeAs(sent);
                for (int i = 0; i < sent.size(); i++) {
                    assertThat(received.get(i)).as("connection %d message %d", id, i).endsWith(" " + sent.get(i));
                }
            }
        }
    }

    @Test
    void inExecutorModeLinesKeepTheirOrder() throws Exception {
        TestBackend backend = TestBackend.all().get(0);
        List<String> lines = new ArrayList<>();
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            lines.add("n" + i);
            stream.append("n").append(i).append('\n');
        }
        try (ConfigurableApplicationContext context = start(backend, "--kqlisten.listeners[0].framing=lines",
                "--kqlisten.dispatch.mode=executor")) {
            Messages messages = context.getBean(Messages.class);
            try (Socket client = connect(context)) {
                writeInPieces(client.getOutputStream(), stream.toString().getBytes(StandardCharsets.US_ASCII),
                        new SplittableRandom(3));
                client.shutdownOutput();
                messages.awaitClosed(1);
            }
            assertThat(messages.of(messages.closed.keySet().iterator().next())).isEqualTo(lines);
        }
    }

    private static ConfigurableApplicationContext start(TestBackend backend, String... args) {
        return TestApplication.start(backend, List.of(Recording.class), args);
    }

    private static Socket connect(ConfigurableApplicationContext context) throws Exception {
        return new Socket(InetAddress.getLoopbackAddress(), TestApplication.port(context));
    }

    private static void writeInPieces(OutputStream out, byte[] bytes, SplittableRandom random) throws Exception {
        int offset = 0;
        while (offset < bytes.length) {
            int n = Math.min(bytes.length - offset, 1 + random.nextInt(random.nextBoolean() ? 8 : 3000));
            out.write(bytes, offset, n);
            out.flush();
            offset += n;
        }
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ended", command[0]).isTrue();
        assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
    }

    static class Recording {

        @Bean
        Messages messages() {
            return new Messages();
        }

    }

    /** What the application's listeners received, by connection id. */
    static class Messages {

        final Map<Long, List<String>> messages = new ConcurrentHashMap<>();

        final Map<Long, List<String>> order = new ConcurrentHashMap<>();

        final Map<Long, String> closed = new ConcurrentHashMap<>();

        final List<String> errors = new CopyOnWriteArrayList<>();

        final List<String> partial = new CopyOnWriteArrayList<>();

        private final Object monitor = new Object();

        @EventListener
        void message(TcpMessageReceivedEvent event) {
            this.messages.computeIfAbsent(event.getConnectionId(), (id) -> new CopyOnWriteArrayList<>())
                .add(new String(event.copyBytes(), StandardCharsets.ISO_8859_1));
            changed();
        }

        @EventListener
        void error(TcpFramingErrorEvent event) {
            this.errors.add(event.getConnectionId() + " " + event.getError() + "@" + event.getOffset());
        }

        @EventListener
        void partial(TcpPartialMessageEvent event) {
            this.partial.add(event.getConnectionId() + " " + new String(event.copyBytes(), StandardCharsets.ISO_8859_1)
                    + "@" + event.getOffset());
            trace(event.getConnectionId(), "partial");
        }

        @EventListener
        void eof(TcpPeerClosedEvent event) {
            trace(event.getConnectionId(), "eof");
        }

        @EventListener
        void closed(TcpConnectionClosedEvent event) {
            trace(event.getConnectionId(), "closed");
            this.closed.put(event.getConnectionId(), event.getReason().name());
            changed();
        }

        List<String> of(long id) {
            return this.messages.getOrDefault(id, List.of());
        }

        long total() {
            return this.messages.values().stream().mapToLong(List::size).sum();
        }

        void awaitClosed(int connections) throws InterruptedException {
            await(() -> this.closed.size() >= connections, connections + " closed connections");
        }

        void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            synchronized (this.monitor) {
                while (!condition.getAsBoolean()) {
                    long left = deadline - System.nanoTime();
                    assertThat(left).as("%s within %s; closed %s, errors %s", what, WAIT, this.closed, this.errors)
                        .isPositive();
                    TimeUnit.NANOSECONDS.timedWait(this.monitor, left);
                }
            }
        }

        private void trace(long id, String kind) {
            this.order.computeIfAbsent(id, (k) -> new CopyOnWriteArrayList<>()).add(kind);
        }

        private void changed() {
            synchronized (this.monitor) {
                this.monitor.notifyAll();
            }
        }

    }

}
