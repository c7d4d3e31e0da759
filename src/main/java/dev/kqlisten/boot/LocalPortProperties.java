package dev.kqlisten.boot;

import java.util.HashMap;
import java.util.Map;

import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;

import dev.kqlisten.boot.event.TcpListenerStartedEvent;

/**
 * Publishes the bound ports as {@code local.kqlisten.<name>.port} and, for the first listener,
 * {@code local.kqlisten.port}, in a property source of the environment, the way Boot's
 * {@code ServerPortInfoApplicationContextInitializer} publishes {@code local.server.port}.
 * Ordered first, so other listeners of the started event can already read the properties.
 */
class LocalPortProperties implements ApplicationListener<TcpListenerStartedEvent>, Ordered {

    static final String PROPERTY_SOURCE_NAME = "kqlisten.ports";

    private final ConfigurableEnvironment environment;

    private final KqlistenProperties properties;

    LocalPortProperties(ConfigurableEnvironment environment, KqlistenProperties properties) {
        this.environment = environment;
        this.properties = properties;
    }

    @Override
    public void onApplicationEvent(TcpListenerStartedEvent event) {
        Map<String, Object> ports = portsMap(this.environment.getPropertySources());
        ports.put("local.kqlisten." + event.getListenerName() + ".port", event.getPort());
        if (event.getListenerName().equals(this.properties.getListeners().get(0).getName())) {
            ports.put("local.kqlisten.port", event.getPort());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> portsMap(MutablePropertySources sources) {
        PropertySource<?> source = sources.get(PROPERTY_SOURCE_NAME);
        if (source == null) {
            source = new MapPropertySource(PROPERTY_SOURCE_NAME, new HashMap<>());
            sources.addFirst(source);
        }
        return (Map<String, Object>) source.getSource();
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

}
