package dev.kqlisten.support;

import java.util.ArrayList;
import java.util.List;

import dev.kqlisten.KqlistenApplication;
import dev.kqlisten.boot.PollerLifecycle;
import dev.kqlisten.boot.TcpListenerInfo;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Starts the whole application for one backend with a single listener {@code it} on
 * 127.0.0.1, an ephemeral port, an {@link AppEvents} bean, immediate shutdown and the logging
 * listener off, the way {@code KqlistenApplicationIntegrationTests} does. Arguments given by the
 * caller win: a default is only added when its property is not among them (Spring would join two
 * values of one property with a comma).
 */
public final class TestApplication {

    private TestApplication() {
    }

    public static ConfigurableApplicationContext start(TestBackend backend, String... args) {
        return start(backend, List.of(), args);
    }

    /**
     * @param sources extra configuration or bean classes
     * @param args {@code --name=value} arguments
     */
    public static ConfigurableApplicationContext start(TestBackend backend, List<Class<?>> sources, String... args) {
        backend.assumeAvailable();
        List<String> given = List.of(args);
        List<String> all = new ArrayList<>(given);
        backend.springProperties().forEach((p) -> addDefault(all, given, "--" + p));
        addDefault(all, given, "--server.port=0");
        addDefault(all, given, "--server.shutdown=immediate");
        addDefault(all, given, "--kqlisten.logging.enabled=false");
        addDefault(all, given, "--kqlisten.listeners[0].name=it");
        addDefault(all, given, "--kqlisten.listeners[0].address=127.0.0.1");
        addDefault(all, given, "--kqlisten.listeners[0].port=0");
        SpringApplicationBuilder builder = new SpringApplicationBuilder(KqlistenApplication.class, Recording.class);
        sources.forEach(builder::sources);
        return builder.run(all.toArray(String[]::new));
    }

    private static void addDefault(List<String> all, List<String> given, String argument) {
        String key = argument.substring(0, argument.indexOf('=') + 1);
        if (given.stream().noneMatch((g) -> g.startsWith(key))) {
            all.add(argument);
        }
    }

    public static int port(ConfigurableApplicationContext context) {
        return context.getEnvironment().getRequiredProperty("local.kqlisten.port", Integer.class);
    }

    public static AppEvents events(ConfigurableApplicationContext context) {
        return context.getBean(AppEvents.class);
    }

    /** The running listener {@code it}: its live counters. */
    public static TcpListenerInfo listener(ConfigurableApplicationContext context) {
        return context.getBean(PollerLifecycle.class).getListeners().get(0);
    }

    /** Registered as a source of the application (not component-scanned). */
    static class Recording {

        @Bean
        AppEvents appEvents() {
            return new AppEvents();
        }

    }

}
