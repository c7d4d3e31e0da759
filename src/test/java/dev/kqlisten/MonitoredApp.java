package dev.kqlisten;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.context.ConfigurableApplicationContext;

import dev.kqlisten.support.TestBackend;

/**
 * The whole application on ephemeral ports (HTTP and one listener 'it' on 127.0.0.1), with a
 * bounded JDK HTTP client for its actuator endpoints.
 */
final class MonitoredApp implements AutoCloseable {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final ConfigurableApplicationContext context;

    private MonitoredApp(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /**
     * Starts the application as {@link KqlistenApplicationIntegrationTests#start} does, with
     * {@code extra} (may be null) as another source. Arguments are command-line arguments,
     * which win over application.yml.
     */
    static MonitoredApp start(TestBackend backend, Class<?> extra, String... moreArgs) {
        return new MonitoredApp(KqlistenApplicationIntegrationTests.start(backend, 0, extra, moreArgs));
    }

    public ConfigurableApplicationContext context() {
        return this.context;
    }

    /** The listener's bound port. */
    public int tcpPort() {
        return this.context.getEnvironment().getRequiredProperty("local.kqlisten.port", Integer.class);
    }

    /** The port of the actuator endpoints: the management port if one is set, else the server's. */
    public int managementPort() {
        Integer management = this.context.getEnvironment().getProperty("local.management.port", Integer.class);
        return (management != null) ? management
                : this.context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send("GET", path);
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return send("DELETE", path);
    }

    private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort() + path))
            .timeout(Duration.ofSeconds(20))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** The names of the {@code kqlisten_} samples {@code /actuator/prometheus} exposes now. */
    public Set<String> scrapedKqlistenNames() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/actuator/prometheus");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("/actuator/prometheus answered " + response.statusCode());
        }
        Set<String> names = new TreeSet<>();
        for (String line : response.body().split("\n")) {
            if (line.startsWith("kqlisten_")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    @Override
    public void close() {
        this.context.close();
    }

}
