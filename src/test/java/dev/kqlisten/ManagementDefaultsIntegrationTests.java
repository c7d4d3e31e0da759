package dev.kqlisten;

import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.kqlisten.MonitoringIntegrationTests.Recorder;
import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an anonymous HTTP caller sees of the whole application with its own application.yml and
 * no management property set: health without details or components, the {@code kqlisten}
 * endpoint with peers masked, and its connections in bounded pages. Opening each up is tested
 * where it is used ({@code MonitoringIntegrationTests}).
 */
@Timeout(180)
class ManagementDefaultsIntegrationTests {

    private static final int CLIENTS = 150;

    private static MonitoredApp app;

    private static final List<Socket> clients = new ArrayList<>();

    private static final List<Long> ids = new ArrayList<>();

    @BeforeAll
    static void startWithClients() throws Exception {
        app = MonitoredApp.start(TestBackend.all().get(0), Recorder.class);
        Recorder recorder = app.context().getBean(Recorder.class);
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(new Socket(InetAddress.getLoopbackAddress(), app.tcpPort()));
        }
        for (int i = 0; i < CLIENTS; i++) {
            Long id = recorder.opened.poll(30, TimeUnit.SECONDS);
            assertThat(id).as("opened event %d of %d", i + 1, CLIENTS).isNotNull();
            ids.add(id);
        }
        ids.sort(null);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Socket client : clients) {
            client.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void anonymousHealthShowsTheStatusWithoutDetailsOrComponents() throws Exception {
        HttpResponse<String> health = app.get("/actuator/health");
        assertThat(health.statusCode()).isEqualTo(200);
        Map<String, Object> body = JsonPath.read(health.body(), "$");
        assertThat(body).containsEntry("status", "UP").doesNotContainKeys("components", "details");
        assertThat(health.body()).doesNotContain("kqlisten", "127.0.0.1", "activeConnections", "diskSpace");

        HttpResponse<String> readiness = app.get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<Map<String, Object>>read(readiness.body(), "$")).containsEntry("status", "UP")
            .doesNotContainKeys("components", "details");
        // Components are hidden like details (Boot's default for show-components), so a
        // listener's own health is not found either.
        assertThat(app.get("/actuator/health/kqlisten/it").statusCode()).isEqualTo(404);
    }

    @Test
    void peersAreMaskedByDefaultButTheListenersOwnAddressIsShown() throws Exception {
        HttpResponse<String> all = app.get("/actuator/kqlisten?size=1000");
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<List<String>>read(all.body(), "$.connections.items[*].remoteAddress"))
            .hasSize(CLIENTS)
            .containsOnly("******");
        assertThat(JsonPath.<List<Object>>read(all.body(), "$.connections.items[*].remotePort")).hasSize(CLIENTS)
            .containsOnly("******");
        for (Socket client : clients) {
            assertThat(all.body()).doesNotContain("\"remotePort\":" + client.getLocalPort());
        }
        assertThat(JsonPath.<String>read(all.body(), "$.listeners[0].address")).isEqualTo("127.0.0.1");
        assertThat(JsonPath.<Integer>read(all.body(), "$.listeners[0].port")).isEqualTo(app.tcpPort());

        HttpResponse<String> one = app.get("/actuator/kqlisten/" + ids.get(0));
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<Object>read(one.body(), "$.remoteAddress")).isEqualTo("******");
        assertThat(JsonPath.<Object>read(one.body(), "$.remotePort")).isEqualTo("******");
    }

    @Test
    void connectionsComeInPagesOfAHundredWithTheTotal() throws Exception {
        HttpResponse<String> first = app.get("/actuator/kqlisten");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(JsonPath.<Integer>read(first.body(), "$.connections.total")).isEqualTo(CLIENTS);
        assertThat(JsonPath.<Integer>read(first.body(), "$.connections.page")).isZero();
        assertThat(JsonPath.<Integer>read(first.body(), "$.connections.size")).isEqualTo(100);
        assertThat(JsonPath.<Integer>read(first.body(), "$.listeners[0].activeConnections")).isEqualTo(CLIENTS);
        assertThat(ids(first)).containsExactlyElementsOf(ids.subList(0, 100));

        HttpResponse<String> second = app.get("/actuator/kqlisten?page=1");
        assertThat(JsonPath.<Integer>read(second.body(), "$.connections.total")).isEqualTo(CLIENTS);
        assertThat(ids(second)).containsExactlyElementsOf(ids.subList(100, CLIENTS));

        assertThat(ids(app.get("/actuator/kqlisten?page=3&size=40"))).containsExactlyElementsOf(ids.subList(120, 150));
        assertThat(ids(app.get("/actuator/kqlisten?page=2"))).isEmpty();
        assertThat(ids(app.get("/actuator/kqlisten?size=1000"))).containsExactlyElementsOf(ids);
    }

    @ParameterizedTest
    @ValueSource(strings = { "size=0", "size=1001", "size=-1", "page=-1", "size=abc", "page=one",
            "page=99999999999" })
    void pageParametersOutOfRangeOrNotNumbersAnswer400(String query) throws Exception {
        assertThat(app.get("/actuator/kqlisten?" + query).statusCode()).isEqualTo(400);
    }

    // Without Spring Security no HTTP caller is authorized, so when-authorized masks like never.
    @Test
    void whenAuthorizedMasksPeersForAnonymousCallers() throws Exception {
        try (MonitoredApp authorizedOnly = MonitoredApp.start(TestBackend.all().get(0), Recorder.class,
                "--management.endpoint.kqlisten.show-values=when-authorized");
                Socket client = new Socket(InetAddress.getLoopbackAddress(), authorizedOnly.tcpPort())) {
            long id = authorizedOnly.context().getBean(Recorder.class).opened.poll(30, TimeUnit.SECONDS);
            HttpResponse<String> one = authorizedOnly.get("/actuator/kqlisten/" + id);
            assertThat(one.statusCode()).isEqualTo(200);
            assertThat(JsonPath.<Object>read(one.body(), "$.remoteAddress")).isEqualTo("******");
            assertThat(JsonPath.<Object>read(one.body(), "$.remotePort")).isEqualTo("******");
            assertThat(JsonPath.<List<Object>>read(authorizedOnly.get("/actuator/kqlisten").body(),
                    "$.connections.items[*].remoteAddress"))
                .containsExactly("******");
        }
    }

    private static List<Long> ids(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonPath.<List<Number>>read(response.body(), "$.connections.items[*].id")
            .stream()
            .map(Number::longValue)
            .toList();
    }

}
