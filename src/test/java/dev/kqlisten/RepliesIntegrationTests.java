package dev.kqlisten;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import dev.kqlisten.boot.event.TcpConnectionClosedEvent;
import dev.kqlisten.boot.event.TcpConnectionOpenedEvent;
import dev.kqlisten.boot.event.TcpMessageReceivedEvent;
import dev.kqlisten.boot.event.TcpWritabilityChangedEvent;
import dev.kqlisten.connection.WriteResult;
import dev.kqlisten.server.KqlistenServer;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that answers its clients through the events and through the server bean, in
 * both dispatch modes, on every backend (tagged kqueue: also the darwin and libkqueue builds).
 */
@Tag("kqueue")
@Timeout(180)
class RepliesIntegrationTests {

    @BackendTest
    void anApplicationRepliesToEachLineItReceives(TestBackend backend) throws Exception {
        try (ConfigurableApplicationContext context = start(backend, "--kqlisten.listeners[0].framing=lines")) {
            assertEveryLineIsAnswered(context, 2_000);
        }
    }

    @Test
    void inExecutorModeRepliesFromTheWorkersKeepTheLinesOrder() throws Exception {
        try (ConfigurableApplicationContext context = start(TestBackend.all().get(0),
                "--kqlisten.listeners[0].framing=lines", "--kqlisten.dispatch.mode=executor")) {
            assertEveryLineIsAnswered(context, 5_000);
        }
    }

    private static void assertEveryLineIsAnswered(ConfigurableApplicationContext context, int count) throws Exception {
        StringBuilder request = new StringBuilder();
        for (int i = 0; i < count; i++) {
            request.append("line ").append(i).append('\n');
        }
        byte[] bytes = request.toString().getBytes(StandardCharsets.US_ASCII);
        try (Socket client = connect(context)) {
            Thread writer = new Thread(() -> {
                try {
                    SplittableRandom random = new SplittableRandom(1);
                    for (int offset = 0; offset < bytes.length;) {
                        int n = Math.min(bytes.length - offset, 1 + random.nextInt(2000));
                        client.getOutputStream().write(bytes, offset, n);
                        offset += n;
                    }
                }
                catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
            });
            writer.start();
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.US_ASCII));
            for (int i = 0; i < count; i++) {
                assertThat(in.readLine()).isEqualTo("ok " + i + ": line " + i);
            }
            writer.join(60_000);
            client.shutdownOutput();
            assertThat(in.readLine()).as("end of stream after the last reply").isNull();
        }
        Answers answers = context.getBean(Answers.class);
        assertThat(answers.closed.poll(60, TimeUnit.SECONDS)).isEqualTo("PEER_CLOSED");
        // Queued, all of them; a worker may outpace the client and be told to slow down.
        assertThat(answers.results.keySet()).allMatch(WriteResult::isQueued);
        assertThat(answers.results.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(count);
    }

    @BackendTest
    void theServerBeanWritesFromAnyThreadAndWritabilityIsPublished(TestBackend backend) throws Exception {
        try (ConfigurableApplicationContext context = start(backend,
                "--kqlisten.listeners[0].write-high-water-mark=16KB",
                "--kqlisten.listeners[0].write-low-water-mark=0B")) {
            Answers answers = context.getBean(Answers.class);
            KqlistenServer server = context.getBean(KqlistenServer.class);
            try (Socket client = connect(context)) {
                long id = answers.opened.poll(60, TimeUnit.SECONDS);
                byte[] chunk = new byte[32 * 1024];
                long sent = 0;
                // The first write crosses the high mark; the loop reports it once it has flushed
                // what the socket takes.
                WriteResult result;
                do {
                    result = server.writer(id).write(chunk.clone());
                    assertThat(result.isQueued()).isTrue();
                    sent += chunk.length;
                }
                while (answers.writability.poll(100, TimeUnit.MILLISECONDS) == null);
                assertThat(result).isEqualTo(WriteResult.QUEUED_SLOW_DOWN);
                assertThat(client.getInputStream().readNBytes((int) sent)).hasSize((int) sent);
                assertThat(answers.writability.poll(60, TimeUnit.SECONDS)).as("writable again").isTrue();
                server.writer(id).close();
                assertThat(client.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(answers.closed.poll(60, TimeUnit.SECONDS)).isEqualTo("APPLICATION");
            assertThat(server.writer(Long.MAX_VALUE).write(new byte[1])).isEqualTo(WriteResult.CLOSED);
        }
    }

    private static ConfigurableApplicationContext start(TestBackend backend, String... args) {
        return TestApplication.start(backend, List.of(Replying.class), args);
    }

    private static Socket connect(ConfigurableApplicationContext context) throws Exception {
        return new Socket(InetAddress.getLoopbackAddress(), TestApplication.port(context));
    }

    static class Replying {

        @Bean
        Answers answers() {
            return new Answers();
        }

    }

    /** Answers every line with "ok N: line", N counting per connection. */
    static class Answers {

        final BlockingQueue<Long> opened = new LinkedBlockingQueue<>();

        final BlockingQueue<Boolean> writability = new LinkedBlockingQueue<>();

        final BlockingQueue<String> closed = new LinkedBlockingQueue<>();

        final Map<WriteResult, Integer> results = new ConcurrentHashMap<>();

        private final Map<Long, Integer> counts = new ConcurrentHashMap<>();

        @EventListener
        void opened(TcpConnectionOpenedEvent event) {
            this.opened.add(event.getConnectionId());
        }

        @EventListener
        void message(TcpMessageReceivedEvent event) {
            int n = this.counts.merge(event.getConnectionId(), 1, Integer::sum) - 1;
            String reply = "ok " + n + ": " + new String(event.copyBytes(), StandardCharsets.US_ASCII) + "\n";
            this.results.merge(event.reply(reply.getBytes(StandardCharsets.US_ASCII)), 1, Integer::sum);
        }

        @EventListener
        void writability(TcpWritabilityChangedEvent event) {
            this.writability.add(event.isWritable());
        }

        @EventListener
        void closed(TcpConnectionClosedEvent event) {
            this.closed.add(event.getReason().name());
        }

    }

}
