package dev.kqlisten.boot;

import java.util.List;

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
import dev.kqlisten.boot.event.PublishedEventCounter;
import dev.kqlisten.boot.event.TcpEventMulticaster;
import dev.kqlisten.server.KqlistenServer;
import dev.kqlisten.server.PollerObservers;
import dev.kqlisten.server.ServerConfig;
import dev.kqlisten.server.Shutdown;
import dev.kqlisten.server.TransportFactory;

/**
 * Auto-configuration of kqlisten's core: {@link KqlistenProperties}, the failure-proof event
 * multicaster, the {@link ApplicationEventBridge}, the {@link KqlistenServer} with the
 * {@link KqlistenServerLifecycle} that runs it, and the logging listener. Registered in
 * {@code META-INF/spring/...AutoConfiguration.imports}, so a host
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
    @ConditionalOnMissingBean
    PublishedEventCounter kqlistenPublishedEventCounter() {
        return new PublishedEventCounter();
    }

    @Bean
    ApplicationEventBridge kqlistenEventBridge(ApplicationEventPublisher publisher,
            EventListenerFailureCounter failures, PublishedEventCounter published, BeanFactory beanFactory) {
        return new ApplicationEventBridge(publisher, failures, published, contextMulticaster(beanFactory));
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
    KqlistenServer kqlistenServer(KqlistenProperties properties, ApplicationEventBridge bridge,
            ObjectProvider<TransportFactory> transports, ObjectProvider<PollerObservers> observers,
            Environment environment) {
        ListenerKeyCheck.check(environment);
        return new KqlistenServer(serverConfig(properties), bridge,
                transports.getIfAvailable(() -> TransportFactory.NATIVE),
                observers.getIfAvailable(() -> PollerObservers.NONE));
    }

    @Bean
    KqlistenServerLifecycle kqlistenServerLifecycle(KqlistenServer server, ApplicationEventPublisher publisher,
            Environment environment) {
        // Boot's server.shutdown (graceful by default) decides whether connections are drained.
        boolean immediate = "immediate".equalsIgnoreCase(environment.getProperty("server.shutdown"));
        return new KqlistenServerLifecycle(server, publisher, immediate ? Shutdown.IMMEDIATE : Shutdown.GRACEFUL);
    }

    /** The server the properties describe, with the {@link ServerConfig#DEFAULT_JOIN_MARGIN default join margin}. */
    static ServerConfig serverConfig(KqlistenProperties properties) {
        List<ServerConfig.Listener> listeners = properties.getListeners()
            .stream()
            .map((listener) -> new ServerConfig.Listener(listener.getName(), listener.toListenSpec(),
                    listener.readBufferBytes(), listener.toLimits(), properties.toTransportOptions(listener),
                    listener.toFraming(), listener.toWriteSettings(), listener.toAccessSettings(),
                    listener.getPollers(), listener.getAcceptSpreading()))
            .toList();
        KqlistenProperties.Dispatch dispatch = properties.getDispatch();
        ServerConfig.Dispatch executor = (dispatch.getMode() != KqlistenProperties.Dispatch.Mode.EXECUTOR) ? null
                : new ServerConfig.Dispatch(dispatch.getThreads(), dispatch.getMaxBytesInFlightPerConnection().toBytes(),
                        dispatch.getMaxBytesInFlight().toBytes());
        return new ServerConfig(listeners, properties.getShutdownTimeout(), ServerConfig.DEFAULT_JOIN_MARGIN,
                properties.getReservedDescriptors(), executor);
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
