package dev.kqlisten.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.kqlisten.KqlistenApplication;
import dev.kqlisten.boot.event.TcpDataBorrowedEvent;
import dev.kqlisten.boot.event.TcpDataReceivedEvent;
import dev.kqlisten.server.KqlistenServer;
import dev.kqlisten.server.TcpListenerInfo;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

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
        return context.getBean(KqlistenServer.class).getListeners().get(0);
    }

    /**
     * Registered as a source of the application (not component-scanned). The data recorder is
     * chosen by {@code test.kqlisten.data-events}: {@code copied} (default) or {@code borrowed};
     * only the chosen event type has a listener, as in an application that uses only that one.
     */
    static class Recording {

        @Bean
        AppEvents appEvents() {
            return new AppEvents();
        }

        @Bean
        @ConditionalOnProperty(name = "test.kqlisten.data-events", havingValue = "copied", matchIfMissing = true)
        CopiedDataRecorder copiedDataRecorder(AppEvents events) {
            return new CopiedDataRecorder(events);
        }

        @Bean
        @ConditionalOnProperty(name = "test.kqlisten.data-events", havingValue = "borrowed")
        BorrowedDataRecorder borrowedDataRecorder(AppEvents events) {
            return new BorrowedDataRecorder(events);
        }

    }

    /** Records the bytes of every {@link TcpDataReceivedEvent}. */
    public static final class CopiedDataRecorder {

        private final AppEvents events;

        CopiedDataRecorder(AppEvents events) {
            this.events = events;
        }

        @EventListener
        void read(TcpDataReceivedEvent event) {
            this.events.read(event.getConnectionId(), event.copyBytes());
        }

    }

    /**
     * Records the bytes of every {@link TcpDataBorrowedEvent}, copied during the call, and keeps
     * the last event (which must be unusable once the call returned).
     */
    public static final class BorrowedDataRecorder {

        private final AppEvents events;

        private final Set<String> threads = ConcurrentHashMap.newKeySet();

        private volatile TcpDataBorrowedEvent last;

        BorrowedDataRecorder(AppEvents events) {
            this.events = events;
        }

        @EventListener
        void read(TcpDataBorrowedEvent event) {
            this.threads.add(Thread.currentThread().getName());
            this.last = event;
            this.events.read(event.getConnectionId(), event.copyBytes());
        }

        public TcpDataBorrowedEvent last() {
            return this.last;
        }

        /** The names of the threads the events came on. */
        public Set<String> threads() {
            return this.threads;
        }

    }

}
