package dev.kqlisten;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.kqlisten.KqlistenApplicationIntegrationTests.EventRecorder;
import dev.kqlisten.boot.event.TcpConnectionEvent;
import dev.kqlisten.dispatch.DispatchBudget;
import dev.kqlisten.server.KqlistenServer;
import dev.kqlisten.support.ConnectionTrace;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole application with {@code kqlisten.dispatch.mode=executor}: {@code @EventListener}
 * methods get every connection event on the {@code kqlisten-dispatch-N} threads, in order and
 * byte-exact, also when the stream is many times the per-connection bound.
 */
@Tag("kqueue")
@Timeout(180)
class ExecutorDispatchIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kqlisten.support.TestBackend#all")
    void listenersGetEveryEventInOrderOnDispatchThreads(TestBackend backend) throws Exception {
        try (ConfigurableApplicationContext context = KqlistenApplicationIntegrationTests.start(backend, 0,
                ThreadRecorder.class, "--kqlisten.dispatch.mode=executor", "--kqlisten.dispatch.threads=2",
                "--kqlisten.dispatch.max-bytes-in-flight-per-connection=64KB",
                "--kqlisten.listeners[0].read-buffer-size=8KB")) {
            EventRecorder events = context.getBean(EventRecorder.class);
            int port = TestApplication.port(context);
            byte[] payload = new byte[2 << 20];
            new SplittableRandom(42).nextBytes(payload);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                OutputStream out = client.getOutputStream();
                for (int offset = 0; offset < payload.length; offset += 32 * 1024) {
                    out.write(payload, offset, 32 * 1024);
                }
                client.shutdownOutput();
                events.recorder.awaitClosed(1, WAIT);
                ConnectionTrace trace = events.recorder.byClientPort(client.getLocalPort());
                trace.assertOrderlyClose();
                assertThat(trace.bytes()).isEqualTo(payload);
            }
            assertThat(context.getBean(ThreadRecorder.class).threads).isNotEmpty()
                .allMatch((name) -> name.matches("kqlisten-dispatch-[12]"));
            DispatchBudget budget = context.getBean(KqlistenServer.class).getDispatchBudget();
            assertThat(budget).isNotNull();
            assertThat(budget.bytesInFlight()).isZero();
            assertThat(budget.listenerFailures()).isZero();
        }
    }

    /** Records the thread of every connection event. */
    static class ThreadRecorder {

        final List<String> threads = new CopyOnWriteArrayList<>();

        @EventListener
        void any(TcpConnectionEvent event) {
            this.threads.add(Thread.currentThread().getName());
        }

    }

}
