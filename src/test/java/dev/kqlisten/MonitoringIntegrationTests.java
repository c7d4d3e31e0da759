package dev.kqlisten;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.event.EventListener;

import dev.kqlisten.boot.event.TcpConnectionClosedEvent;
import dev.kqlisten.boot.event.TcpConnectionOpenedEvent;
import dev.kqlisten.boot.event.TcpDataReceivedEvent;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The actuator side of the whole application per backend, over HTTP: the {@code kqlisten}
 * endpoint's JSON, the access control of its close operation, and listener health going DOWN
 * (and readiness with it) while an event listener blocks the poller, then UP again.
 */
@Tag("kqueue")
@Timeout(180)
class MonitoringIntegrationTests {

    @BackendTest
    void endpointListsListenersWithTheirConnectionsAndSelectsOne(TestBackend backend) throws Exception {
        // Peers are masked by default (ManagementDefaultsIntegrationTests); this test opens them up.
        try (MonitoredApp app = MonitoredApp.start(backend, Recorder.class,
                "--management.endpoint.kqlisten.show-values=always");
                Socket client = new Socket(InetAddress.getLoopbackAddress(), app.tcpPort())) {
            Recorder recorder = app.context().getBean(Recorder.class);
            long id = recorder.opened.poll(30, TimeUnit.SECONDS);
            client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            assertThat(recorder.data.poll(30, TimeUnit.SECONDS)).isEqualTo(5);

            HttpResponse<String> all = app.get("/actuator/kqlisten");
            assertThat(all.statusCode()).isEqualTo(200);
            String json = all.body();
            assertThat(JsonPath.<List<String>>read(json, "$.listeners[*].name")).containsExactly("it");
            assertThat(JsonPath.<String>read(json, "$.listeners[0].address")).isEqualTo("127.0.0.1");
            assertThat(JsonPath.<Integer>read(json, "$.listeners[0].port")).isEqualTo(app.tcpPort());
            assertThat(JsonPath.<String>read(json, "$.listeners[0].backend"))
                .isEqualTo(backend.backend().name().toLowerCase());
            assertThat(JsonPath.<String>read(json, "$.listeners[0].state")).isEqualTo("RUNNING");
            assertThat(JsonPath.<Integer>read(json, "$.listeners[0].activeConnections")).isEqualTo(1);
            assertThat(JsonPath.<Integer>read(json, "$.listeners[0].totals.accepted")).isEqualTo(1);
            assertThat(JsonPath.<Integer>read(json, "$.listeners[0].totals.bytesRead")).isEqualTo(5);
            assertThat(JsonPath.<Integer>read(json, "$.connections.total")).isEqualTo(1);
            assertThat(JsonPath.<List<Number>>read(json, "$.connections.items[*].id"))
                .containsExactly((Number) (int) id);
            assertThat(JsonPath.<String>read(json, "$.connections.items[0].listener")).isEqualTo("it");
            assertThat(JsonPath.<String>read(json, "$.connections.items[0].remoteAddress")).isEqualTo("127.0.0.1");
            assertThat(JsonPath.<Integer>read(json, "$.connections.items[0].remotePort"))
                .isEqualTo(client.getLocalPort());
            assertThat(JsonPath.<Integer>read(json, "$.connections.items[0].bytesRead")).isEqualTo(5);
            assertThat(JsonPath.<Integer>read(json, "$.connections.items[0].idleMillis")).isNotNegative();
            assertThat(JsonPath.<Integer>read(json, "$.connections.items[0].ageMillis")).isNotNegative();

            HttpResponse<String> one = app.get("/actuator/kqlisten/" + id);
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(JsonPath.<Integer>read(one.body(), "$.id")).isEqualTo((int) id);
            assertThat(JsonPath.<String>read(one.body(), "$.remoteAddress")).isEqualTo("127.0.0.1");
            assertThat(JsonPath.<Integer>read(one.body(), "$.remotePort")).isEqualTo(client.getLocalPort());
            assertThat(app.get("/actuator/kqlisten/" + (id + 1_000_000)).statusCode()).isEqualTo(404);
        }
    }

    // Closing is a write operation: off until management.endpoint.kqlisten.access grants it.
    @BackendTest
    void closingAConnectionIsDeniedByDefault(TestBackend backend) throws Exception {
        try (MonitoredApp app = MonitoredApp.start(backend, Recorder.class);
                Socket client = new Socket(InetAddress.getLoopbackAddress(), app.tcpPort())) {
            long id = app.context().getBean(Recorder.class).opened.poll(30, TimeUnit.SECONDS);
            assertThat(app.delete("/actuator/kqlisten/" + id).statusCode()).isEqualTo(405);
            assertThat(app.get("/actuator/kqlisten/" + id).statusCode()).isEqualTo(200);
            assertThat(app.context().getBean(Recorder.class).closed).isEmpty();
        }
    }

    @BackendTest
    void closingAConnectionWorksWhenGrantedAndTheClosedEventSaysOperator(TestBackend backend) throws Exception {
        try (MonitoredApp app = MonitoredApp.start(backend, Recorder.class,
                "--management.endpoint.kqlisten.access=unrestricted");
                Socket client = new Socket(InetAddress.getLoopbackAddress(), app.tcpPort())) {
            Recorder recorder = app.context().getBean(Recorder.class);
            long id = recorder.opened.poll(30, TimeUnit.SECONDS);
            HttpResponse<String> closed = app.delete("/actuator/kqlisten/" + id);
            assertThat(closed.statusCode()).isEqualTo(200);
            assertThat(JsonPath.<Boolean>read(closed.body(), "$.closed")).isTrue();
            assertThat(recorder.closed.poll(30, TimeUnit.SECONDS)).isEqualTo(id + ":OPERATOR");
            client.setSoTimeout(30_000);
            try (InputStream in = client.getInputStream()) {
                assertThat(in.read()).as("the client sees the close").isEqualTo(-1);
            }
            HttpResponse<String> again = app.delete("/actuator/kqlisten/" + id);
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(JsonPath.<Boolean>read(again.body(), "$.closed")).isFalse();
        }
    }

    @BackendTest
    void healthIsDownWhileAListenerBlocksThePollerBeyondTheThresholdAndUpAfter(TestBackend backend)
            throws Exception {
        // Details are for authorized callers only by default; this test opens them up.
        try (MonitoredApp app = MonitoredApp.start(backend, Blocking.class,
                "--kqlisten.health.stall-threshold=300ms", "--management.endpoint.health.show-details=always");
                Socket client = new Socket(InetAddress.getLoopbackAddress(), app.tcpPort())) {
            Blocking blocking = app.context().getBean(Blocking.class);
            assertThat(app.get("/actuator/health/kqlisten/it").statusCode()).isEqualTo(200);
            try {
                client.getOutputStream().write(1);
                assertThat(blocking.entered.await(30, TimeUnit.SECONDS)).isTrue();
                HttpResponse<String> down = awaitStatus(app, "/actuator/health/kqlisten/it", 503);
                assertThat(JsonPath.<String>read(down.body(), "$.status")).isEqualTo("DOWN");
                assertThat(JsonPath.<String>read(down.body(), "$.details.state")).isEqualTo("STALLED");
                assertThat(JsonPath.<String>read(down.body(), "$.details.reason"))
                    .contains("kqlisten-poller-1", "kqlisten.health.stall-threshold is 300 ms");
                assertThat(JsonPath.<String>read(down.body(), "$.details.backend"))
                    .isEqualTo(backend.backend().name().toLowerCase());
                assertThat(app.get("/actuator/health/readiness").statusCode()).isEqualTo(503);
                assertThat(app.get("/actuator/health/liveness").statusCode()).isEqualTo(200);
            }
            finally {
                blocking.release.countDown();
            }
            HttpResponse<String> up = awaitStatus(app, "/actuator/health/kqlisten/it", 200);
            assertThat(JsonPath.<String>read(up.body(), "$.details.state")).isEqualTo("RUNNING");
            assertThat(app.get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        }
    }

    /**
     * Two pollers are one listener: the endpoint lists it once, with both pollers' connections,
     * and one stalled poller takes its health down though the other still serves. Hand-off makes
     * the placement known: the first connection goes to the first poller, the second to the second.
     */
    @BackendTest
    void twoPollersAreOneListenerAndOneStalledPollerTakesItDown(TestBackend backend) throws Exception {
        try (MonitoredApp app = MonitoredApp.start(backend, Blocking.class, "--kqlisten.listeners[0].pollers=2",
                "--kqlisten.listeners[0].accept-spreading=handoff", "--kqlisten.health.stall-threshold=300ms",
                "--management.endpoint.health.show-details=always");
                Socket first = new Socket(InetAddress.getLoopbackAddress(), app.tcpPort());
                Socket second = new Socket(InetAddress.getLoopbackAddress(), app.tcpPort())) {
            Blocking blocking = app.context().getBean(Blocking.class);
            String json = awaitBody(app, "/actuator/kqlisten", "$.listeners[0].activeConnections", 2);
            assertThat(JsonPath.<List<String>>read(json, "$.listeners[*].name")).containsExactly("it");
            assertThat(JsonPath.<Integer>read(json, "$.listeners[0].pollers")).isEqualTo(2);
            assertThat(JsonPath.<Integer>read(json, "$.listeners[0].totals.accepted")).isEqualTo(2);
            assertThat(JsonPath.<Integer>read(json, "$.connections.total")).isEqualTo(2);
            try {
                first.getOutputStream().write(1);
                assertThat(blocking.entered.await(30, TimeUnit.SECONDS)).isTrue();
                HttpResponse<String> down = awaitStatus(app, "/actuator/health/kqlisten/it", 503);
                assertThat(JsonPath.<String>read(down.body(), "$.details.state")).isEqualTo("STALLED");
                assertThat(JsonPath.<String>read(down.body(), "$.details.reason")).contains("kqlisten-poller-1-1");
                assertThat(JsonPath.<Integer>read(down.body(), "$.details.pollers")).isEqualTo(2);
            }
            finally {
                blocking.release.countDown();
            }
            awaitStatus(app, "/actuator/health/kqlisten/it", 200);
        }
    }

    /** Polls {@code path} until the number at {@code jsonPath} is {@code expected}, for at most 30 seconds. */
    private static String awaitBody(MonitoredApp app, String path, String jsonPath, int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String body = app.get(path).body();
        while (JsonPath.<Integer>read(body, jsonPath) != expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
            body = app.get(path).body();
        }
        assertThat(JsonPath.<Integer>read(body, jsonPath)).as(body).isEqualTo(expected);
        return body;
    }

    /** Polls {@code path} until it answers {@code status}, for at most 30 seconds. */
    private static HttpResponse<String> awaitStatus(MonitoredApp app, String path, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpResponse<String> response = app.get(path);
        while (response.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(50);
            response = app.get(path);
        }
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(status);
        return response;
    }

    /** Records connection ids, read sizes and close reasons. */
    static class Recorder {

        final BlockingQueue<Long> opened = new LinkedBlockingQueue<>();

        final BlockingQueue<Integer> data = new LinkedBlockingQueue<>();

        final BlockingQueue<String> closed = new LinkedBlockingQueue<>();

        @EventListener
        void opened(TcpConnectionOpenedEvent event) {
            this.opened.add(event.getConnectionId());
        }

        @EventListener
        void read(TcpDataReceivedEvent event) {
            this.data.add(event.getLength());
        }

        @EventListener
        void closed(TcpConnectionClosedEvent event) {
            this.closed.add(event.getConnectionId() + ":" + event.getReason());
        }

    }

    /** Blocks the poller thread in its first data event until released. */
    static class Blocking {

        final CountDownLatch entered = new CountDownLatch(1);

        final CountDownLatch release = new CountDownLatch(1);

        @EventListener
        void read(TcpDataReceivedEvent event) throws InterruptedException {
            this.entered.countDown();
            this.release.await(60, TimeUnit.SECONDS);
        }

    }

}
