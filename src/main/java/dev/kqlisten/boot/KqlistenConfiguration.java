package dev.kqlisten.boot;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

import dev.kqlisten.boot.event.ApplicationEventBridge;
import dev.kqlisten.boot.event.EventListenerFailureCounter;
import dev.kqlisten.boot.event.TcpEventMulticaster;

/**
 * Wires kqlisten into the application context: {@link KqlistenProperties}, the failure-proof
 * event multicaster, the {@link ApplicationEventBridge}, the {@link PollerLifecycle} and the
 * logging listener.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KqlistenProperties.class)
public class KqlistenConfiguration {

    // Static: the multicaster and its counter are created early in refresh, before this class.
    @Bean
    static EventListenerFailureCounter kqlistenEventListenerFailureCounter() {
        return new EventListenerFailureCounter();
    }

    @Bean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
    static TcpEventMulticaster applicationEventMulticaster(EventListenerFailureCounter failures) {
        return new TcpEventMulticaster(failures);
    }

    @Bean
    ApplicationEventBridge kqlistenEventBridge(ApplicationEventPublisher publisher,
            EventListenerFailureCounter failures, ObjectProvider<TcpEventMulticaster> multicaster) {
        return new ApplicationEventBridge(publisher, failures, multicaster.getIfAvailable());
    }

    @Bean
    PollerLifecycle kqlistenPollerLifecycle(KqlistenProperties properties, ApplicationEventBridge bridge,
            ApplicationEventPublisher publisher, ObjectProvider<PollerFactory> factory,
            ObjectProvider<PollerObservers> observers, Environment environment) {
        PollerLifecycle lifecycle = new PollerLifecycle(properties, bridge, publisher,
                factory.getIfAvailable(() -> PollerFactory.NATIVE), observers.getIfAvailable(() -> PollerObservers.NONE));
        // Boot's server.shutdown (graceful by default) decides whether connections are drained.
        lifecycle.setGracefulShutdown(!"immediate".equalsIgnoreCase(environment.getProperty("server.shutdown")));
        return lifecycle;
    }

    @Bean
    LocalPortProperties kqlistenLocalPortProperties(ConfigurableEnvironment environment,
            KqlistenProperties properties) {
        return new LocalPortProperties(environment, properties);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "kqlisten.logging.enabled", matchIfMissing = true)
    TcpEventLogger kqlistenEventLogger() {
        return new TcpEventLogger();
    }

}
