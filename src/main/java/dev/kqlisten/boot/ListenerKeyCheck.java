package dev.kqlisten.boot;

import java.util.Comparator;
import java.util.Set;
import java.util.TreeSet;

import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Refuses keys nested below a listener's own keys, such as
 * {@code kqlisten.listeners[0].framing.mode}, which Boot's check for unknown keys does not see:
 * it looks only one level below a list element. Every listener key is a direct child of its
 * element, so anything deeper is unknown and fails start-up with the exception the unknown-key
 * failure analyzer explains, instead of being ignored.
 */
final class ListenerKeyCheck {

    private static final ConfigurationPropertyName LISTENERS = ConfigurationPropertyName.of("kqlisten.listeners");

    /** {@code kqlisten}, {@code listeners}, {@code [i]}, the listener's key. */
    private static final int LISTENER_KEY_DEPTH = 4;

    private ListenerKeyCheck() {
    }

    /** @throws UnboundConfigurationPropertiesException naming each key nested too deep */
    static void check(Environment environment) {
        Set<ConfigurationProperty> unknown = new TreeSet<>(Comparator.comparing((p) -> p.getName().toString()));
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.filter(LISTENERS::isAncestorOf).forEach((name) -> {
                if (name.getNumberOfElements() > LISTENER_KEY_DEPTH && name.isNumericIndex(2)) {
                    unknown.add(source.getConfigurationProperty(name));
                }
            });
        }
        if (!unknown.isEmpty()) {
            throw new UnboundConfigurationPropertiesException(unknown);
        }
    }

}
