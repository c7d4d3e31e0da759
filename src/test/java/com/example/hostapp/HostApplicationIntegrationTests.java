package com.example.hostapp;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import dev.kqlisten.boot.KqlistenConfiguration;
import dev.kqlisten.boot.KqlistenServerLifecycle;
import dev.kqlisten.boot.actuate.KqlistenEndpoint;
import dev.kqlisten.boot.diagnostics.IncompatibleEventMulticasterException;
import dev.kqlisten.boot.event.EventListenerFailureCounter;
import dev.kqlisten.boot.event.TcpDataReceivedEvent;
import dev.kqlisten.boot.event.TcpEventMulticaster;
import dev.kqlisten.boot.metrics.KqlistenMetrics;
import dev.kqlisten.server.KqlistenServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * kqlisten as a dependency of {@link HostApplication}, an application outside
 * {@code dev.kqlisten} that has only added the jar and an {@code @EventListener}
 * ({@link ReceivedBytes}): the auto-configuration wires the listener, metrics, health and
 * endpoint; an application bean replaces kqlisten's; and the application's own
 * {@code applicationEventMulticaster} is either used (a synchronous {@link TcpEventMulticaster})
 * or fails start-up with an analysis that says how to resolve it, never silently weakened.
 * <p>
 * Runs on the backend {@code auto} chooses (epoll on Linux), like a host application would.
 */
@Timeout(120)
class HostApplicationIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void hostApplicationReceivesBytesInOrderAndHasKqlistenMonitoring() throws Exception {
        try (ConfigurableApplicationContext context = start()) {
            byte[] sent = sendChunks(context, 200);
            assertThat(context.getBean(ReceivedBytes.class).await(sent.length, WAIT)).isEqualTo(sent);
            assertThat(context.getBean(ReceivedBytes.class).threads()).allMatch((name) -> name.contains("poller"));

            // Everything came from the auto-configuration, once: nothing of dev.kqlisten was scanned.
            assertThat(context.getBeanNamesForType(KqlistenConfiguration.class))
                .containsExactly(KqlistenConfiguration.class.getName());
            assertThat(context.getBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME))
                .isInstanceOf(TcpEventMulticaster.class);
            assertThat(context.getBeansOfType(KqlistenServerLifecycle.class)).hasSize(1);
            assertThat(context.getBeansOfType(KqlistenServer.class)).hasSize(1);
            assertThat(context.getBeansOfType(KqlistenMetrics.class)).hasSize(1);
            assertThat(context.getBeansOfType(KqlistenEndpoint.class)).hasSize(1);
            assertThat(context.getBean("kqlistenHealthContributor")).isInstanceOf(HealthContributor.class);

            MeterRegistry registry = context.getBean(MeterRegistry.class);
            await().atMost(WAIT)
                .until(() -> registry.get("kqlisten.received").tag("listener", "host").functionCounter().count(),
                        (count) -> count == sent.length);
            assertThat(registry.get("kqlisten.accepted.connections").tag("listener", "host").functionCounter().count())
                .isEqualTo(1.0);

            HttpResponse<String> endpoint = get(context, "/actuator/kqlisten");
            assertThat(endpoint.statusCode()).isEqualTo(200);
            assertThat(endpoint.body()).contains("\"host\"");
            HttpResponse<String> health = get(context, "/actuator/health/kqlisten");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"UP\"");

            // The kqlisten application's own settings (dev/kqlisten/application.yml) stay out of the host.
            assertThat(context.getEnvironment().getProperty("spring.application.name")).isNull();
            assertThat(context.getEnvironment().getProperty("management.endpoint.health.probes.enabled")).isNull();
        }
    }

    @Test
    void applicationBeanReplacesKqlistenHealthContributor() {
        try (ConfigurableApplicationContext context = start(OwnHealthContributor.class)) {
            Object contributor = context.getBean("kqlistenHealthContributor");
            assertThat(contributor).isSameAs(OwnHealthContributor.INDICATOR);
            assertThat(context.getBeansOfType(HealthContributor.class)).containsValue(OwnHealthContributor.INDICATOR);
        }
    }

    @Test
    void ownTcpEventMulticasterCarriesKqlistenEvents() throws Exception {
        try (ConfigurableApplicationContext context = start(OwnTcpEventMulticaster.class)) {
            Object multicaster = context.getBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME);
            assertThat(multicaster).isInstanceOf(CountingMulticaster.class);
            byte[] sent = sendChunks(context, 20);
            assertThat(context.getBean(ReceivedBytes.class).await(sent.length, WAIT)).isEqualTo(sent);
            assertThat(((CountingMulticaster) multicaster).dataEvents.get()).isPositive();
        }
    }

    @Test
    void ownMulticasterOfAnotherTypeFailsStartUpSayingHowToResolveIt() {
        Throwable failure = catchThrowable(() -> start(ForeignMulticaster.class).close());
        IncompatibleEventMulticasterException cause = causeOf(failure);
        assertThat(cause.getMulticasterType()).isEqualTo(SimpleApplicationEventMulticaster.class);
        assertThat(cause.isAsynchronous()).isFalse();
        FailureAnalysis analysis = analyze(failure);
        assertThat(analysis.getDescription()).startsWith("The application defines its own 'applicationEventMulticaster' "
                + "bean (org.springframework.context.event.SimpleApplicationEventMulticaster, defined in ")
            .contains(ForeignMulticaster.class.getName())
            .contains("which is not a dev.kqlisten.boot.event.TcpEventMulticaster")
            .endsWith("kqlisten does not start rather than deliver its events with weaker guarantees.");
        assertThat(analysis.getAction()).startsWith("Remove your 'applicationEventMulticaster' bean: kqlisten then "
                + "registers a TcpEventMulticaster")
            .contains("Or make your bean a TcpEventMulticaster")
            .contains("'spring.autoconfigure.exclude=dev.kqlisten.boot.KqlistenConfiguration'");
    }

    @Test
    void ownTcpEventMulticasterWithAnExecutorFailsStartUp() {
        Throwable failure = catchThrowable(() -> start(AsynchronousTcpEventMulticaster.class).close());
        assertThat(causeOf(failure).isAsynchronous()).isTrue();
        assertThat(analyze(failure).getDescription())
            .contains("a TcpEventMulticaster that invokes listeners through a task executor.");
    }

    private static ConfigurableApplicationContext start(Class<?>... extraSources) {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(HostApplication.class);
        builder.sources(extraSources);
        return builder.run("--server.port=0", "--server.shutdown=immediate",
                "--management.endpoints.web.exposure.include=health,kqlisten",
                "--management.endpoint.health.show-components=always", "--kqlisten.logging.enabled=false",
                "--kqlisten.listeners[0].name=host", "--kqlisten.listeners[0].address=127.0.0.1",
                "--kqlisten.listeners[0].port=0");
    }

    /** Sends {@code chunks} writes of distinct, growing content on one connection and closes it. */
    private static byte[] sendChunks(ConfigurableApplicationContext context, int chunks) throws Exception {
        int port = context.getEnvironment().getRequiredProperty("local.kqlisten.port", Integer.class);
        List<byte[]> pieces = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < chunks; i++) {
            byte[] piece = new byte[1 + (i * 37) % 1500];
            Arrays.fill(piece, (byte) i);
            piece[0] = (byte) (i >>> 8);
            pieces.add(piece);
            total += piece.length;
        }
        byte[] sent = new byte[total];
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = client.getOutputStream();
            int offset = 0;
            for (byte[] piece : pieces) {
                out.write(piece);
                out.flush();
                System.arraycopy(piece, 0, sent, offset, piece.length);
                offset += piece.length;
            }
            client.shutdownOutput();
        }
        return sent;
    }

    private static HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
        int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static IncompatibleEventMulticasterException causeOf(Throwable failure) {
        assertThat(failure).isNotNull();
        Throwable cause = failure;
        while (cause != null && !(cause instanceof IncompatibleEventMulticasterException)) {
            cause = cause.getCause();
        }
        assertThat(cause).as("cause of %s", failure).isInstanceOf(IncompatibleEventMulticasterException.class);
        return (IncompatibleEventMulticasterException) cause;
    }

    /**
     * The analysis Boot prints: the first registered analyzer that explains the failure. Boot's
     * analyzers that need constructor arguments are left out; none of them explains it.
     */
    private static FailureAnalysis analyze(Throwable failure) {
        Optional<FailureAnalysis> analysis = SpringFactoriesLoader.forDefaultResourceLocation()
            .load(FailureAnalyzer.class, ArgumentResolver.none(), FailureHandler.handleMessage((message, ex) -> {
            }))
            .stream()
            .map((analyzer) -> analyzer.analyze(failure))
            .filter((result) -> result != null)
            .findFirst();
        assertThat(analysis).as("analysis of %s", failure).isPresent();
        return analysis.get();
    }

    /** Sources below are registered explicitly; none is a component, so scanning never finds them. */
    static class OwnHealthContributor {

        static final HealthIndicator INDICATOR = () -> Health.up().withDetail("own", true).build();

        @Bean
        HealthContributor kqlistenHealthContributor() {
            return INDICATOR;
        }

    }

    static class ForeignMulticaster {

        @Bean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
        static SimpleApplicationEventMulticaster applicationEventMulticaster() {
            return new SimpleApplicationEventMulticaster();
        }

    }

    static class AsynchronousTcpEventMulticaster {

        @Bean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
        static TcpEventMulticaster applicationEventMulticaster(EventListenerFailureCounter failures) {
            TcpEventMulticaster multicaster = new TcpEventMulticaster(failures);
            Executor direct = Runnable::run;
            multicaster.setTaskExecutor(direct);
            return multicaster;
        }

    }

    static class OwnTcpEventMulticaster {

        @Bean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
        static CountingMulticaster applicationEventMulticaster(EventListenerFailureCounter failures) {
            return new CountingMulticaster(failures);
        }

    }

    /** The application's own customisation of kqlisten's multicaster. */
    static class CountingMulticaster extends TcpEventMulticaster {

        final AtomicLong dataEvents = new AtomicLong();

        CountingMulticaster(EventListenerFailureCounter failures) {
            super(failures);
        }

        @Override
        public void multicastEvent(ApplicationEvent event, ResolvableType eventType) {
            if (event instanceof TcpDataReceivedEvent) {
                this.dataEvents.incrementAndGet();
            }
            super.multicastEvent(event, eventType);
        }

    }

}
