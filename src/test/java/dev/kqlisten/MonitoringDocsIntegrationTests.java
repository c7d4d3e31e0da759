package dev.kqlisten;

import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documentation and the dashboard against what the running application really exports on
 * {@code /actuator/prometheus}: the README's metric table must list exactly the scraped
 * {@code kqlisten_} names, and every panel of the Grafana dashboard must query only names that
 * exist. Without this, a renamed meter would leave an empty panel and a wrong README behind.
 */
@Timeout(120)
class MonitoringDocsIntegrationTests {

    private static final Pattern METRIC_NAME = Pattern.compile("kqlisten_[a-z_]+");

    private static MonitoredApp app;

    private static Set<String> scraped;

    @BeforeAll
    static void startAndScrape() throws Exception {
        app = MonitoredApp.start(TestBackend.all().get(0), null);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), app.tcpPort())) {
            client.getOutputStream().write(new byte[] { 1, 2, 3 });
        }
        scraped = app.scrapedKqlistenNames();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void readmeMetricTableListsExactlyTheScrapedNames() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("## Monitoring");
        int end = readme.indexOf("\n## ", start + 1);
        assertThat(start).as("README has a Monitoring section").isNotNegative();
        Set<String> documented = new TreeSet<>();
        for (String line : readme.substring(start, end).split("\n")) {
            if (line.startsWith("| `kqlisten_")) {
                // The first column holds the names; later columns may mention others in prose.
                documented.addAll(names(line.split("\\|")[1]));
            }
        }
        assertThat(documented).isEqualTo(scraped);
    }

    @Test
    void everyDashboardPanelQueriesExportedMetrics() throws Exception {
        String dashboard = Files.readString(Path.of("docker/grafana/dashboards/kqlisten.json"));
        List<Map<String, Object>> panels = JsonPath.read(dashboard, "$.panels[*]");
        assertThat(panels).isNotEmpty();
        Set<String> queried = new TreeSet<>();
        for (Map<String, Object> panel : panels) {
            List<String> expressions = JsonPath.read(panel, "$.targets[*].expr");
            Set<String> names = new TreeSet<>();
            expressions.forEach((expr) -> names.addAll(names(expr)));
            assertThat(names).as("metrics of panel '%s'", panel.get("title")).isNotEmpty();
            assertThat(scraped).as("exported names queried by panel '%s'", panel.get("title")).containsAll(names);
            queried.addAll(names);
        }
        List<String> variableQueries = JsonPath.read(dashboard, "$.templating.list[*].definition");
        variableQueries.forEach((query) -> assertThat(scraped).containsAll(names(query)));
        assertThat(queried)
            .as("the dashboard shows connections, accepts, bytes, closes, rejections, accept pauses, the poller "
                    + "and framing")
            .contains("kqlisten_active_connections", "kqlisten_accepted_connections_total",
                    "kqlisten_received_bytes_total", "kqlisten_closed_connections_total",
                    "kqlisten_rejected_connections_total", "kqlisten_accept_paused", "kqlisten_accept_pauses_total",
                    "kqlisten_poller_dispatch_active_seconds", "kqlisten_frames_total",
                    "kqlisten_frame_error_connections_total", "kqlisten_partial_frame_connections_total");
    }

    private static Set<String> names(String text) {
        Set<String> names = new TreeSet<>();
        Matcher matcher = METRIC_NAME.matcher(text);
        while (matcher.find()) {
            names.add(matcher.group());
        }
        return names;
    }

}
