package dev.kqlisten;

import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import dev.kqlisten.boot.event.ApplicationEventBridge;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The logging listener with its defaults (issue 9): traffic must not grow the log at INFO, the
 * listener must not make the poller copy every read, and the lines are there for whoever turns
 * DEBUG/TRACE on. Epoll or, on a BSD, kqueue: the levels do not depend on the backend.
 */
@ExtendWith(OutputCaptureExtension.class)
class EventLoggingIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void atTheDefaultLevelTrafficWritesNoLineAndOnlyStartStopAndDrainAreLogged(CapturedOutput output)
            throws Exception {
        ConfigurableApplicationContext context = TestApplication.start(backend(), "--kqlisten.logging.enabled=true",
                "--server.shutdown=graceful", "--kqlisten.shutdown-timeout=200ms");
        try {
            int before = output.getOut().length();
            traffic(context, 20);
            String during = output.getOut().substring(before);
            assertThat(during).doesNotContain("opened from").doesNotContain("received").doesNotContain("closed:");
            try (Socket held = new Socket(InetAddress.getLoopbackAddress(), TestApplication.port(context))) {
                TestApplication.events(context).recorder().awaitOpened(21, WAIT);
                context.close();
            }
        }
        finally {
            context.close();
        }
        assertThat(output.getOut()).contains("[it] listening on 127.0.0.1:")
            .contains("[it] draining: listening socket closed, open connections (1) may go on for up to 200ms")
            .contains("[it] stopped listening on 127.0.0.1:");
    }

    /** Copies are made only for TcpDataReceivedEvent listeners; the logger takes the borrowed event. */
    @Test
    void theLoggerDoesNotMakeThePollerCopyReads() {
        try (ConfigurableApplicationContext context = TestApplication.start(backend(), "--kqlisten.logging.enabled=true",
                "--test.kqlisten.data-events=none")) {
            ApplicationEventBridge bridge = context.getBean(ApplicationEventBridge.class);
            assertThat(bridge.wantsData()).isFalse();
        }
    }

    @Test
    void connectionLinesAtDebugAndReadLinesAtTrace(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext context = TestApplication.start(backend(), "--kqlisten.logging.enabled=true",
                "--logging.level.dev.kqlisten.boot.TcpEventLogger=trace")) {
            traffic(context, 1);
        }
        assertThat(output.getOut()).containsPattern("\\[it] #\\d+ opened from 127\\.0\\.0\\.1:\\d+")
            .containsPattern("\\[it] #\\d+ received 5 bytes")
            .containsPattern("\\[it] #\\d+ peer closed its side \\(EOF\\)")
            .containsPattern("\\[it] #\\d+ closed: PEER_CLOSED");
    }

    @Test
    void aProxiedConnectionIsLoggedWithItsClientAndItsProxy(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext context = TestApplication.start(backend(), "--kqlisten.logging.enabled=true",
                "--logging.level.dev.kqlisten.boot.TcpEventLogger=debug",
                "--kqlisten.listeners[0].proxy-protocol=required", "--kqlisten.listeners[0].trusted-proxies=127.0.0.1");
                java.net.Socket proxy = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(),
                        TestApplication.port(context))) {
            proxy.getOutputStream()
                .write("PROXY TCP4 203.0.113.7 198.51.100.1 40001 514\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            proxy.shutdownOutput();
            assertThat(proxy.getInputStream().read()).isEqualTo(-1);
            assertThat(output.getOut()).containsPattern(
                    "\\[it] #\\d+ opened from 203\\.0\\.113\\.7:40001 via proxy 127\\.0\\.0\\.1:" + proxy.getLocalPort());
        }
    }

    @Test
    void framingErrorsAndPartialMessagesAtDebugWithTheirOffsets(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext context = TestApplication.start(backend(), "--kqlisten.logging.enabled=true",
                "--logging.level.dev.kqlisten.boot.TcpEventLogger=debug", "--kqlisten.listeners[0].framing=lines",
                "--kqlisten.listeners[0].max-frame-length=8B")) {
            int port = TestApplication.port(context);
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.getOutputStream().write("ok\n123456789\n".getBytes());
                TestApplication.events(context).recorder().awaitClosed(1, WAIT);
            }
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.getOutputStream().write("ok\npart".getBytes());
                client.shutdownOutput();
                TestApplication.events(context).recorder().awaitClosed(2, WAIT);
            }
        }
        assertThat(output.getOut())
            .containsPattern("\\[it] #\\d+ broke the framing with the message at byte 3: FRAME_TOO_LONG")
            .containsPattern("\\[it] #\\d+ closed: FRAME_TOO_LONG\\R")
            .containsPattern("\\[it] #\\d+ ended inside the message at byte 3 \\(4 bytes of it received\\)");
    }

    private static void traffic(ConfigurableApplicationContext context, int connections) throws Exception {
        int port = TestApplication.port(context);
        for (int i = 0; i < connections; i++) {
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
                client.getOutputStream().write("hello".getBytes());
                client.shutdownOutput();
                TestApplication.events(context).recorder().awaitClosed(i + 1, WAIT);
            }
        }
    }

    private static TestBackend backend() {
        return TestBackend.all().get(0);
    }

}
