package dev.kqlisten.boot.metrics;

import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.kqlisten.boot.KqlistenConfiguration;
import dev.kqlisten.boot.KqlistenProperties;
import dev.kqlisten.boot.event.EventListenerFailureCounter;
import dev.kqlisten.boot.event.PublishedEventCounter;
import dev.kqlisten.server.KqlistenServer;

/**
 * Auto-configuration of {@link KqlistenMetrics}: Boot binds it to the meter registry as a
 * {@link MeterBinder}, and {@link KqlistenServer} hands it each poller it starts as
 * {@link dev.kqlisten.server.PollerObservers}. Needs Micrometer on the class path; an application
 * bean of type {@link KqlistenMetrics} replaces it.
 */
@AutoConfiguration(after = KqlistenConfiguration.class,
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration")
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean(KqlistenServer.class)
public class KqlistenMetricsConfiguration {

    @Bean
    @ConditionalOnMissingBean
    KqlistenMetrics kqlistenMetrics(KqlistenProperties properties, EventListenerFailureCounter failures,
            PublishedEventCounter published) {
        return new KqlistenMetrics(properties.getListeners().stream().map(KqlistenProperties.Listener::getName).toList(),
                failures, published);
    }

}
