package dev.kqlisten.boot.actuate;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.kqlisten.boot.KqlistenProperties;
import dev.kqlisten.boot.PollerLifecycle;

/**
 * The {@link KqlistenEndpoint} and the health contributor {@code kqlisten}, which has one
 * {@link ListenerHealthIndicator} per configured listener ({@code /actuator/health/kqlisten/<name>}).
 */
@Configuration(proxyBeanMethods = false)
public class KqlistenActuatorConfiguration {

    @Bean
    @ConditionalOnAvailableEndpoint
    KqlistenEndpoint kqlistenEndpoint(PollerLifecycle lifecycle, KqlistenProperties properties) {
        return new KqlistenEndpoint(lifecycle, properties.getHealth().getStallThreshold());
    }

    @Bean
    @ConditionalOnEnabledHealthIndicator("kqlisten")
    HealthContributor kqlistenHealthContributor(PollerLifecycle lifecycle, KqlistenProperties properties) {
        String backendChoice = BackendChoice.explain(properties.getBackend());
        Map<String, HealthContributor> listeners = new LinkedHashMap<>();
        for (KqlistenProperties.Listener listener : properties.getListeners()) {
            listeners.put(listener.getName(), new ListenerHealthIndicator(listener.getName(), lifecycle,
                    properties.getHealth().getStallThreshold(), backendChoice, System::nanoTime));
        }
        return CompositeHealthContributor.fromMap(listeners);
    }

}
