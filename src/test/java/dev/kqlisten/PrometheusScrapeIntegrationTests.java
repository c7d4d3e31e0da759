package dev.kqlisten;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.kqlisten.support.ExternalTool;
import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kqlisten scraped by a real Prometheus server (Debian's {@code prometheus} package, started on
 * loopback with a generated configuration): after N connections of M bytes each, Prometheus'
 * query API must report exactly N accepted connections and N*M received bytes, and the active
 * connections must return to 0 once the clients close. This is what the README's metric table
 * promises users of Prometheus.
 * <p>
 * Without a {@code prometheus} binary the test fails when the environment variable CI is
 * {@code true} (CI installs it), and otherwise aborts as skipped with a loud message.
 */
@Timeout(240)
class PrometheusScrapeIntegrationTests {

    private static final int CONNECTIONS = 5;

    private static final int BYTES_EACH = 10_000;

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void prometheusSeesExactlyTheTrafficThatWasSent(@TempDir Path dir) throws Exception {
        Path binary = findPrometheus();
        TestBackend backend = TestBackend.all().get(0);
        try (MonitoredApp app = MonitoredApp.start(backend, null,
                "--management.server.port=0", "--management.server.address=127.0.0.1")) {
            int prometheusPort = freePort();
            Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: kqlisten
                        metrics_path: /actuator/prometheus
                        static_configs:
                          - targets: ['127.0.0.1:%d']
                    """.formatted(app.managementPort()));
            Path log = dir.resolve("prometheus.log");
            Process prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
            try {
                URI api = URI.create("http://127.0.0.1:" + prometheusPort + "/api/v1/query?query=");
                awaitValue(api, "up{job=\"kqlisten\"}", 1, prometheus, log);
                List<Socket> clients = new ArrayList<>();
                try {
                    for (int i = 0; i < CONNECTIONS; i++) {
                        Socket client = new Socket(InetAddress.getLoopbackAddress(), app.tcpPort());
                        clients.add(client);
                        client.getOutputStream().write(new byte[BYTES_EACH]);
                    }
                    awaitValue(api, "kqlisten_accepted_connections_total{listener=\"it\"}", CONNECTIONS, prometheus, log);
                    awaitValue(api, "kqlisten_received_bytes_total{listener=\"it\"}", CONNECTIONS * BYTES_EACH,
                            prometheus, log);
                    awaitValue(api, "kqlisten_active_connections{listener=\"it\"}", CONNECTIONS, prometheus, log);
                }
                finally {
                    for (Socket client : clients) {
                        client.close();
                    }
                }
                awaitValue(api, "kqlisten_active_connections{listener=\"it\"}", 0, prometheus, log);
                awaitValue(api, "sum(kqlisten_closed_connections_total{listener=\"it\"})", CONNECTIONS, prometheus, log);
                awaitValue(api, "kqlisten_received_bytes_total{listener=\"it\"}", CONNECTIONS * BYTES_EACH, prometheus,
                        log);
            }
            finally {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** Polls an instant query until its single sample equals {@code expected}, within {@link #DEADLINE}. */
    private void awaitValue(URI api, String query, double expected, Process prometheus, Path log) throws Exception {
        URI uri = URI.create(api + URLEncoder.encode(query, StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        String last = "(no answer)";
        while (System.nanoTime() < deadline) {
            if (!prometheus.isAlive()) {
                Assertions.fail("prometheus exited with " + prometheus.exitValue() + ":\n" + Files.readString(log));
            }
            Double value = sample(uri);
            last = String.valueOf(value);
            if (value != null && value == expected) {
                System.out.println("Prometheus: " + query + " = " + value);
                return;
            }
            Thread.sleep(200);
        }
        Assertions.fail("Prometheus query " + query + " did not reach " + expected + " within " + DEADLINE
                + "; last value " + last + "\n" + Files.readString(log));
    }

    private Double sample(URI uri) throws InterruptedException {
        try {
            HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            List<List<Object>> values = JsonPath.read(response.body(), "$.data.result[*].value");
            return (values.size() == 1) ? Double.valueOf((String) values.get(0).get(1)) : null;
        }
        catch (IOException ex) {
            // Not listening yet.
            return null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path findPrometheus() {
        return ExternalTool.require("prometheus", "prometheus", "/usr/bin");
    }

}
