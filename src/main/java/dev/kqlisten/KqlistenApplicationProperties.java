package dev.kqlisten;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Adds {@code dev/kqlisten/application.yml}, the settings of the kqlisten application (actuator
 * exposure, health probes), when {@link KqlistenApplication} is a source of the application,
 * and does nothing in any other application.
 * <p>
 * The file is not a root {@code application.yml} because this jar is also a library: Boot loads
 * {@code classpath:application.yml} from whichever jar has it, so a host application without one
 * of its own (or with an {@code application.properties}) would silently take kqlisten's
 * management settings. The source is added below every config-data source and above
 * {@code defaultProperties}, which is where a root {@code application.yml} on the class path
 * would sit for this application: the operator's files, arguments and environment win over it.
 */
public class KqlistenApplicationProperties implements EnvironmentPostProcessor, Ordered {

    static final String LOCATION = "dev/kqlisten/application.yml";

    static final String PROPERTY_SOURCE_NAME = "kqlisten application [classpath:/" + LOCATION + "]";

    private static final String DEFAULT_PROPERTIES = "defaultProperties";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!application.getAllSources().contains(KqlistenApplication.class)) {
            return;
        }
        List<PropertySource<?>> loaded;
        try {
            loaded = new YamlPropertySourceLoader().load(PROPERTY_SOURCE_NAME, new ClassPathResource(LOCATION,
                    KqlistenApplication.class.getClassLoader()));
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot read classpath:" + LOCATION, ex);
        }
        MutablePropertySources sources = environment.getPropertySources();
        for (PropertySource<?> source : loaded) {
            if (sources.contains(DEFAULT_PROPERTIES)) {
                sources.addBefore(DEFAULT_PROPERTIES, source);
            }
            else {
                sources.addLast(source);
            }
        }
    }

    /** Right after Boot's config-data processing, so the application's own files are in place. */
    @Override
    public int getOrder() {
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }

}
