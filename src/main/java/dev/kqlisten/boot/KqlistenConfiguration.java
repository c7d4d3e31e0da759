package dev.kqlisten.boot;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ApplicationEventMulticaster;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

import dev.kqlisten.boot.diagnostics.IncompatibleEventMulticasterException;
import dev.kqlisten.boot.event.ApplicationEventBridge;
import dev.kqlisten.boot.event.EventListenerFailureCounter;
import dev.kqlisten.boot.event.TcpEventMulticaster;

/**
 * Auto-configuration of kqlisten's core: {@link KqlistenProperties}, the failure-proof event
 * multicaster, the {@link ApplicationEventBridge}, the {@link PollerLifecycle} and the logging
 * listener. Registered in {@code META-INF/spring/...AutoConfiguration.imports}, so a host
 * application gets it by adding the dependency, without scanning {@code dev.kqlisten}.
 * <p>
 * The context's {@code applicationEventMulticaster} must be a synchronous
 * {@link TcpEventMulticaster}: kqlisten registers one unless the application defines that bean
 * itself, and then refuses to start (through {@link IncompatibleEventMulticasterException}) when
 * the application's bean is anything else, rather than publishing with weaker guarantees.
 */
@AutoConfiguration
@EnableConfigurationProperties(KqlistenProperties.class)
public class KqlistenConfiguration {

    // Static: the multicaster and its counter are created early in refresh, before this class.
    @Bean
    @ConditionalOnMissingBean
    static EventListenerFailureCounter kqlistenEventListenerFailureCounter() {
        return new EventListenerFailureCounter();
    }

    @Bean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
    @ConditionalOnMissingBean(name = AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
    static TcpEventMulticaster applicationEventMulticaster(EventListenerFailureCounter failures) {
        return new TcpEventMulticaster(failures);
    }

    @Bean
    ApplicationEventBridge kqlistenEventBridge(ApplicationEventPublisher publisher,
            EventListenerFailureCounter failures, BeanFactory beanFactory) {
        return new ApplicationEventBridge(publisher, failures, contextMulticaster(beanFactory));
    }

    /**
     * The context's multicaster, which kqlisten's guarantees (order, one listener's exception
     * hidden from no other listener, lending of the read buffer) depend on. An application's
     * own multicaster of another type, or one that hands listeners to an executor, fails
     * start-up here, before any listener is bound.
     */
    private static TcpEventMulticaster contextMulticaster(BeanFactory beanFactory) {
        String name = AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME;
        ApplicationEventMulticaster multicaster = beanFactory.getBean(name, ApplicationEventMulticaster.class);
        if (multicaster instanceof TcpEventMulticaster tcp && tcp.invokesListenersSynchronously()) {
            return tcp;
        }
        String definedIn = null;
        if (beanFactory instanceof ConfigurableListableBeanFactory listable && listable.containsBeanDefinition(name)) {
            definedIn = listable.getBeanDefinition(name).getResourceDescription();
        }
        throw new IncompatibleEventMulticasterException(multicaster.getClass(), definedIn,
                multicaster instanceof TcpEventMulticaster);
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
