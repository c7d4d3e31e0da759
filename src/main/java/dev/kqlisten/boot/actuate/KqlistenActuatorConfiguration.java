package dev.kqlisten.boot.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.kqlisten.boot.KqlistenConfiguration;
import dev.kqlisten.boot.KqlistenProperties;
import dev.kqlisten.server.KqlistenServer;

/**
 * Auto-configuration of the {@link KqlistenEndpoint} (with its web extension, which masks peers
 * per caller, see {@link KqlistenEndpointProperties}) and the health contributor
 * {@code kqlisten}, which has one {@link ListenerHealthIndicator} per configured listener
 * ({@code /actuator/health/kqlisten/<name>}). Each part needs its actuator module on the class
 * path and steps back for an application bean of the same kind (the endpoint by type, the
 * contributor by the name {@code kqlistenHealthContributor}).
 */
@AutoConfiguration(after = KqlistenConfiguration.class)
@ConditionalOnBean(KqlistenServer.class)
public class KqlistenActuatorConfiguration {

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Endpoint.class)
    @EnableConfigurationProperties(KqlistenEndpointProperties.class)
    static class EndpointConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnAvailableEndpoint
        KqlistenEndpoint kqlistenEndpoint(KqlistenServer server, KqlistenProperties properties,
                KqlistenEndpointProperties endpointProperties) {
            return new KqlistenEndpoint(server, properties.getHealth().getStallThreshold(),
                    endpointProperties.getShowValues());
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(KqlistenEndpoint.class)
        @ConditionalOnAvailableEndpoint(endpoint = KqlistenEndpoint.class, exposure = EndpointExposure.WEB)
        KqlistenEndpointWebExtension kqlistenEndpointWebExtension(KqlistenEndpoint endpoint,
                KqlistenEndpointProperties endpointProperties) {
            return new KqlistenEndpointWebExtension(endpoint, endpointProperties.getShowValues(),
                    endpointProperties.getRoles());
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthContributor.class)
    static class HealthConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "kqlistenHealthContributor")
        @ConditionalOnEnabledHealthIndicator("kqlisten")
        HealthContributor kqlistenHealthContributor(KqlistenServer server, KqlistenProperties properties) {
            String backendChoice = BackendChoice.explain(properties.getBackend());
            Map<String, HealthContributor> listeners = new LinkedHashMap<>();
            for (KqlistenProperties.Listener listener : properties.getListeners()) {
                listeners.put(listener.getName(), new ListenerHealthIndicator(listener.getName(), server,
                        properties.getHealth().getStallThreshold(), backendChoice, System::nanoTime));
            }
            return CompositeHealthContributor.fromMap(listeners);
        }

    }

}
