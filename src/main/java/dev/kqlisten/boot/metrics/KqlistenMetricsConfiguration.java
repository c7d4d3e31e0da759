package dev.kqlisten.boot.metrics;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.kqlisten.boot.KqlistenProperties;
import dev.kqlisten.boot.event.EventListenerFailureCounter;

/**
 * Registers {@link KqlistenMetrics}: Boot binds it to the meter registry as a
 * {@link io.micrometer.core.instrument.binder.MeterBinder}, and {@link dev.kqlisten.boot.PollerLifecycle}
 * hands it each poller it starts as {@link dev.kqlisten.boot.PollerObservers}.
 */
@Configuration(proxyBeanMethods = false)
public class KqlistenMetricsConfiguration {

    @Bean
    KqlistenMetrics kqlistenMetrics(KqlistenProperties properties, EventListenerFailureCounter failures) {
        return new KqlistenMetrics(properties.getListeners().stream().map(KqlistenProperties.Listener::getName).toList(),
                failures);
    }

}
