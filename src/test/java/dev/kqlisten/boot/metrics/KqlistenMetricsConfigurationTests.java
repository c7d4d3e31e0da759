package dev.kqlisten.boot.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.kqlisten.boot.KqlistenConfiguration;
import dev.kqlisten.boot.actuate.KqlistenActuatorConfiguration;
import dev.kqlisten.server.PollerObservers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The monitoring auto-configurations wired with {@link KqlistenConfiguration} and a real listener on
 * an ephemeral loopback port: the metrics bean is the observer the lifecycle hands its pollers
 * to, and the health contributor has one indicator per listener.
 */
@Timeout(60)
class KqlistenMetricsConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(KqlistenConfiguration.class, KqlistenMetricsConfiguration.class,
                KqlistenActuatorConfiguration.class))
        .withPropertyValues("kqlisten.logging.enabled=false", "kqlisten.listeners[0].name=w",
                "kqlisten.listeners[0].address=127.0.0.1", "kqlisten.listeners[0].port=0");

    @Test
    void metricsObserveEveryStartedPollerAndHealthHasOneEntryPerListener() {
        this.runner.run((context) -> {
            assertThat(context).hasNotFailed();
            KqlistenMetrics metrics = context.getBean(KqlistenMetrics.class);
            assertThat(context.getBean(PollerObservers.class)).isSameAs(metrics);
            MeterRegistry registry = new SimpleMeterRegistry();
            metrics.bindTo(registry);
            // NaN until the lifecycle has handed the listener's poller to the metrics.
            assertThat(registry.get("kqlisten.poller.last.iteration.age").tag("listener", "w").gauge().value())
                .isNotNaN();
            HealthContributor contributor = context.getBean("kqlistenHealthContributor", HealthContributor.class);
            assertThat(contributor).isInstanceOf(CompositeHealthContributor.class);
            HealthContributor listener = ((CompositeHealthContributor) contributor).getContributor("w");
            assertThat(((HealthIndicator) listener).health().getStatus()).isEqualTo(Status.UP);
        });
    }

}
