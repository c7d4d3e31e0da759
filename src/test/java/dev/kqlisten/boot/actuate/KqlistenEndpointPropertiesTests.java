package dev.kqlisten.boot.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointProperties;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code management.endpoint.kqlisten.*}: masked by default, and the docker compose demo's
 * environment variables really open up what its comment says, as Boot binds them.
 */
class KqlistenEndpointPropertiesTests {

    @Test
    void peersAreNeverShownByDefault() {
        KqlistenEndpointProperties properties = bind(Map.of(), "management.endpoint.kqlisten",
                KqlistenEndpointProperties.class, new KqlistenEndpointProperties());
        assertThat(properties.getShowValues()).isEqualTo(Show.NEVER);
        assertThat(properties.getRoles()).isEmpty();
    }

    @Test
    void showValuesAndRolesBindLikeBootsEnvEndpoint() {
        KqlistenEndpointProperties properties = bind(
                Map.of("MANAGEMENT_ENDPOINT_KQLISTEN_SHOWVALUES", "when-authorized",
                        "MANAGEMENT_ENDPOINT_KQLISTEN_ROLES", "OPS,ADMIN"),
                "management.endpoint.kqlisten", KqlistenEndpointProperties.class, new KqlistenEndpointProperties());
        assertThat(properties.getShowValues()).isEqualTo(Show.WHEN_AUTHORIZED);
        assertThat(properties.getRoles()).containsExactly("OPS", "ADMIN");
    }

    @Test
    void dockerComposeDemoOpensUpHealthDetailsAndPeers() throws Exception {
        Map<String, Object> environment = composeEnvironment("kqlisten");
        assertThat(bind(environment, "management.endpoint.kqlisten", KqlistenEndpointProperties.class,
                new KqlistenEndpointProperties())
            .getShowValues()).isEqualTo(Show.ALWAYS);
        assertThat(bind(environment, "management.endpoint.health", HealthEndpointProperties.class,
                new HealthEndpointProperties())
            .getShowDetails()).isEqualTo(Show.ALWAYS);
    }

    /**
     * The compose profile "haproxy": both replicas require the PROXY protocol from exactly the
     * address the haproxy service is given, and haproxy sends v2 headers to both and checks
     * their readiness.
     */
    @Test
    void dockerComposeReplicasTrustTheirHaproxyAndItSendsThemProxyV2() throws Exception {
        // replica-b is replica-a by a YAML alias (checked below).
        {
            Map<String, Object> environment = composeEnvironment("replica-a");
            dev.kqlisten.boot.KqlistenProperties properties = bind(environment, "kqlisten",
                    dev.kqlisten.boot.KqlistenProperties.class, new dev.kqlisten.boot.KqlistenProperties());
            dev.kqlisten.boot.KqlistenProperties.Listener listener = properties.getListeners().get(0);
            assertThat(listener.getProxyProtocol()).isEqualTo(dev.kqlisten.poller.AccessSettings.ProxyProtocol.REQUIRED);
            assertThat(listener.getTrustedProxies()).containsExactly("172.28.0.10");
            assertThat(listener.getPort()).isEqualTo(1815);
        }
        String compose = Files.readString(Path.of("docker/docker-compose.yml"));
        assertThat(compose).contains("replica-b: *replica").contains("ipv4_address: 172.28.0.10");
        List<String> servers = Files.readAllLines(Path.of("docker/haproxy/haproxy.cfg"))
            .stream()
            .map(String::trim)
            .filter((line) -> line.startsWith("server "))
            .toList();
        assertThat(servers).hasSize(2).allSatisfy((server) -> assertThat(server).contains("send-proxy-v2", " check "));
        assertThat(servers.get(0)).contains("replica-a:1815");
        assertThat(servers.get(1)).contains("replica-b:1815");
        assertThat(Files.readString(Path.of("docker/haproxy/haproxy.cfg")))
            .contains("option httpchk GET /actuator/health/readiness");
    }

    private static <T> T bind(Map<String, Object> environmentVariables, String prefix, Class<T> type, T target) {
        StandardEnvironment environment = new StandardEnvironment();
        // Boot maps KEY_NAME to key.name only for the source named systemEnvironment.
        environment.getPropertySources()
            .replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, new SystemEnvironmentPropertySource(
                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, environmentVariables));
        return new Binder(ConfigurationPropertySources.get(environment)).bind(prefix, Bindable.ofInstance(target))
            .orElse(target);
    }

    /** The {@code KEY: value} lines of {@code service}'s {@code environment:} in the compose file. */
    private static Map<String, Object> composeEnvironment(String service) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("docker/docker-compose.yml"));
        Map<String, Object> environment = new LinkedHashMap<>();
        boolean inService = false;
        boolean inEnvironment = false;
        for (String line : lines) {
            if (line.matches("^  [a-z-]+:(\\s*&[a-z-]+)?\\s*$")) {
                inService = line.trim().split("\\s+")[0].equals(service + ":");
                inEnvironment = false;
            }
            else if (inService && line.matches("^    [a-z_]+:.*")) {
                inEnvironment = line.trim().equals("environment:");
            }
            else if (inService && inEnvironment && line.matches("^      [A-Z0-9_]+: .*")) {
                String[] pair = line.trim().split(":\\s*", 2);
                environment.put(pair[0], pair[1].replace("\"", ""));
            }
        }
        assertThat(environment).as("environment of %s in docker/docker-compose.yml", service).isNotEmpty();
        return environment;
    }

}
