package dev.kqlisten;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kqlisten.boot.event.TcpDataBorrowedEvent;
import dev.kqlisten.boot.event.TcpEventMulticaster;
import dev.kqlisten.support.ConnectionTrace;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestApplication.BorrowedDataRecorder;
import dev.kqlisten.support.TestBackend;
import dev.kqlisten.support.TrafficRecorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The whole application with only a {@link TcpDataBorrowedEvent} listener: no copy receiver
 * exists, the bytes are lent in place (on the poller thread) or from the dispatch copy (executor
 * mode), every byte arrives in order, and an event kept past its call can no longer be read.
 */
@Tag("kqueue")
@Timeout(120)
class BorrowedDataIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    static Stream<Arguments> backendsAndModes() {
        return TestBackend.all().stream()
            .flatMap((backend) -> Stream.of(Arguments.of(backend, "poller"), Arguments.of(backend, "executor")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndModes")
    void everyByteIsLentInOrderAndTheLoanEndsWithTheCall(TestBackend backend, String mode) throws Exception {
        try (ConfigurableApplicationContext context = TestApplication.start(backend, List.of(),
                "--test.kqlisten.data-events=borrowed", "--kqlisten.dispatch.mode=" + mode,
                "--kqlisten.listeners[0].read-buffer-size=8KB")) {
            TcpEventMulticaster multicaster = context.getBean(TcpEventMulticaster.class);
            assertThat(multicaster.hasDataListeners()).isFalse();
            assertThat(multicaster.hasBorrowedDataListeners()).isTrue();
            TrafficRecorder recorder = TestApplication.events(context).recorder();
            byte[] payload = new byte[1 << 20];
            new SplittableRandom(7).nextBytes(payload);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), TestApplication.port(context))) {
                OutputStream out = client.getOutputStream();
                // Uneven writes, so reads end at arbitrary offsets of the 8 KiB buffer.
                SplittableRandom sizes = new SplittableRandom(11);
                for (int offset = 0; offset < payload.length;) {
                    int n = Math.min(payload.length - offset, 1 + sizes.nextInt(20_000));
                    out.write(payload, offset, n);
                    offset += n;
                }
                client.shutdownOutput();
                recorder.awaitClosed(1, WAIT);
                ConnectionTrace trace = recorder.byClientPort(client.getLocalPort());
                trace.assertOrderlyClose();
                CRC32 sent = new CRC32();
                sent.update(payload);
                assertThat(trace.count()).isEqualTo(payload.length);
                assertThat(trace.crc()).isEqualTo(sent.getValue());
            }
            BorrowedDataRecorder borrowed = context.getBean(BorrowedDataRecorder.class);
            assertThat(borrowed.threads()).allMatch((name) -> name.startsWith(
                    mode.equals("poller") ? "kqlisten-poller-" : "kqlisten-dispatch-"), "threads " + borrowed.threads());
            TcpDataBorrowedEvent kept = borrowed.last();
            assertThat(kept.getLength()).isPositive();
            assertThatIllegalStateException().isThrownBy(kept::getData);
        }
    }

}
