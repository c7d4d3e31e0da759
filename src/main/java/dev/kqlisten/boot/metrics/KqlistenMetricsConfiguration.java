package dev.kqlisten.boot.metrics;

import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.kqlisten.boot.KqlistenConfiguration;
import dev.kqlisten.boot.KqlistenProperties;
import dev.kqlisten.boot.PollerLifecycle;
import dev.kqlisten.boot.event.EventListenerFailureCounter;

/**
 * Auto-configuration of {@link KqlistenMetrics}: Boot binds it to the meter registry as a
 * {@link MeterBinder}, and {@link PollerLifecycle} hands it each poller it starts as
 * {@link dev.kqlisten.boot.PollerObservers}. Needs Micrometer on the class path; an application
 * bean of type {@link KqlistenMetrics} replaces it.
 */
@AutoConfiguration(after = KqlistenConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration")
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(PollerLifecycle.class)
public class KqlistenMetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    KqlistenMetrics kqlistenMetrics(KqlistenProperties properties, EventListenerFailureCounter failures) {
        return new KqlistenMetrics(properties.getListeners().stream().map(KqlistenProperties.Listener::getName).toList(),
                failures);
    }

}
