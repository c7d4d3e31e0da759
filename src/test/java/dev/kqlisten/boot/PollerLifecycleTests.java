package dev.kqlisten.boot;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.kqlisten.boot.diagnostics.DescriptorReserveException;
import dev.kqlisten.boot.diagnostics.TcpBindException;
import dev.kqlisten.boot.diagnostics.TcpPortInUseException;
import dev.kqlisten.boot.event.TcpConnectionEvent;
import dev.kqlisten.boot.event.TcpEvent;
import dev.kqlisten.boot.event.TcpListenerStartedEvent;
import dev.kqlisten.boot.event.TcpListenerStoppedEvent;
import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.ConnectionSnapshot;
import dev.kqlisten.nativeio.Backend;
import dev.kqlisten.nativeio.DescriptorLimit;
import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.NativeTransportUnavailableException;
import dev.kqlisten.nativeio.TransportOptions;
import dev.kqlisten.dispatch.OrderedDispatcher;
import dev.kqlisten.poller.PollerConfig;
import dev.kqlisten.poller.PollerListener;
import dev.kqlisten.poller.PollerObserver;
import dev.kqlisten.poller.PollerStats;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PollerLifecycle} wired by {@link KqlistenConfiguration}, with pollers faked through
 * {@link PollerFactory}: what is bound, started, published and released on start, on a failed
 * bind, and on stop. Real sockets are covered by the whole-application tests.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(30)
class PollerLifecycleTests {

    private final FakeFactory factory = new FakeFactory();

    private final List<TcpEvent> events = new CopyOnWriteArrayList<>();

    private final List<String> threads = new CopyOnWriteArrayList<>();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withUserConfiguration(KqlistenConfiguration.class)
        .withBean(PollerFactory.class, () -> this.factory)
        .withInitializer((context) -> context.addApplicationListener((event) -> {
            if (event instanceof TcpEvent tcp) {
                this.events.add(tcp);
            }
        }));

    @Test
    void startBindsEveryListenerThenRunsOneNamedNonDaemonThreadEach() {
        this.runner.withPropertyValues("kqlisten.listeners[0].name=alpha", "kqlisten.listeners[0].port=0",
                "kqlisten.listeners[1].name=beta", "kqlisten.listeners[1].port=7002").run((context) -> {
                    PollerLifecycle lifecycle = context.getBean(PollerLifecycle.class);
                    assertThat(lifecycle.isRunning()).isTrue();
                    assertThat(this.factory.opened).extracting((poller) -> poller.config.listenerName())
                        .containsExactly("alpha", "beta");
                    assertThat(this.factory.opened).allSatisfy((poller) -> {
                        assertThat(poller.running.await(5, TimeUnit.SECONDS)).isTrue();
                        assertThat(poller.thread.isDaemon()).isFalse();
                    });
                    assertThat(this.factory.opened).extracting((poller) -> poller.thread.getName())
                        .containsExactly("kqlisten-poller-1", "kqlisten-poller-2");
                    assertThat(lifecycle.getPorts()).containsExactly(Map.entry("alpha", 40001), Map.entry("beta", 7002));
                    assertThat(lifecycle.getBackend()).isEqualTo("fake");
                    assertThat(lifecycle.getListeners()).extracting(TcpListenerInfo::threadName)
                        .containsExactly("kqlisten-poller-1", "kqlisten-poller-2");
                    assertThat(this.events).extracting(TcpEvent::getListenerName).containsExactly("alpha", "beta");
                    assertThat(this.events).allMatch(TcpListenerStartedEvent.class::isInstance);
                });
    }

    // Tests and clients find an ephemeral port through these properties.
    @Test
    void boundPortsArePublishedInTheEnvironment() {
        this.runner.withPropertyValues("kqlisten.listeners[0].name=alpha", "kqlisten.listeners[0].port=0",
                "kqlisten.listeners[1].name=beta", "kqlisten.listeners[1].port=0").run((context) -> {
                    assertThat(context.getEnvironment().getProperty("local.kqlisten.port")).isEqualTo("40001");
                    assertThat(context.getEnvironment().getProperty("local.kqlisten.alpha.port")).isEqualTo("40001");
                    assertThat(context.getEnvironment().getProperty("local.kqlisten.beta.port")).isEqualTo("40002");
                });
    }

    @Test
    void transportOptionsComeFromTheProperties() {
        this.runner.withPropertyValues("kqlisten.max-events=16", "kqlisten.listeners[0].name=a",
                "kqlisten.listeners[0].read-buffer-size=1KB").run((context) -> {
                    FakePoller poller = this.factory.opened.get(0);
                    assertThat(poller.options.backend()).isEqualTo(Backend.AUTO);
                    assertThat(poller.options.maxEvents()).isEqualTo(16);
                    assertThat(poller.options.readBufferSize()).isEqualTo(1024);
                    assertThat(poller.config.readBufferSize()).isEqualTo(1024);
                    assertThat(poller.config.listen().port()).isEqualTo(1815);
                });
    }

    @Test
    void portClashReleasesWhatWasOpenedAndFailsWithPortInUse() {
        this.factory.failure = new NativeIoException("bind", 98, Errno.EADDRINUSE);
        this.runner.withPropertyValues("kqlisten.listeners[0].name=a", "kqlisten.listeners[0].port=7001",
                "kqlisten.listeners[1].name=b", "kqlisten.listeners[1].port=7002").run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(NativeIoException.class);
                    assertThat(context.getStartupFailure()).cause()
                        .isInstanceOfSatisfying(TcpPortInUseException.class, (ex) -> {
                            assertThat(ex.getListenerName()).isEqualTo("b");
                            assertThat(ex.getListenerIndex()).isEqualTo(1);
                            assertThat(ex.getPort()).isEqualTo(7002);
                        });
                    assertThat(this.factory.opened).singleElement().satisfies((poller) -> {
                        assertThat(poller.closedUnstarted).isTrue();
                        assertThat(poller.thread).isNull();
                    });
                    assertThat(this.events).isEmpty();
                });
    }

    @Test
    void addressNotOnThisHostFailsWithBindException() {
        this.factory.failure = new NativeIoException("bind", 99, Errno.EADDRNOTAVAIL);
        this.factory.failAt = 0;
        this.runner.run((context) -> {
            assertThat(context.getStartupFailure()).cause()
                .isExactlyInstanceOf(TcpBindException.class)
                .hasMessageContaining("'default'");
            assertThat(this.factory.opened).isEmpty();
        });
    }

    @Test
    void unavailableTransportFailsStartupAsIs() {
        this.factory.unavailable = new NativeTransportUnavailableException(Backend.EPOLL, "FreeBSD", "amd64",
                "epoll is Linux-only", null);
        this.runner.run((context) -> assertThat(context.getStartupFailure()).cause()
            .isSameAs(this.factory.unavailable));
    }

    @Test
    void stopShutsDownJoinsAndPublishesStopped() {
        this.runner.withPropertyValues("kqlisten.listeners[0].name=a", "kqlisten.listeners[0].port=0")
            .run((context) -> {
                PollerLifecycle lifecycle = context.getBean(PollerLifecycle.class);
                lifecycle.stop();
                FakePoller poller = this.factory.opened.get(0);
                assertThat(poller.thread.isAlive()).isFalse();
                assertThat(lifecycle.isRunning()).isFalse();
                assertThat(lifecycle.getPorts()).isEmpty();
                assertThat(this.events).extracting((event) -> event.getClass().getSimpleName())
                    .containsExactly("TcpListenerStartedEvent", "TcpListenerStoppedEvent");
                assertThat(((TcpListenerStoppedEvent) this.events.get(1)).getPort()).isEqualTo(40001);
            });
    }

    @Test
    void pollerThatDoesNotEndIsAbandonedAfterTheShutdownTimeout(CapturedOutput output) {
        this.factory.ignoreShutdown = true;
        try {
            this.runner.withPropertyValues("kqlisten.shutdown-timeout=100ms").run((context) -> {
                context.getBean(PollerLifecycle.class).stop();
                assertThat(output).contains("Poller thread kqlisten-poller-1 of listener 'default' did not end "
                        + "within PT0.1S; abandoning it");
            });
        }
        finally {
            this.factory.opened.forEach((poller) -> poller.release.countDown());
        }
    }

    // Executor mode: the poller reports to an OrderedDispatcher, events reach listeners on the
    // dispatch threads, and stop delivers what is queued before the stopped event.
    @Test
    void executorModeDeliversOnDispatchThreadsAndDrainsBeforeStopped() {
        this.runner.withPropertyValues("kqlisten.dispatch.mode=executor", "kqlisten.dispatch.threads=2",
                "kqlisten.logging.enabled=false")
            .withInitializer((context) -> context.addApplicationListener((event) -> {
                if (event instanceof TcpConnectionEvent) {
                    this.threads.add(Thread.currentThread().getName());
                }
            }))
            .run((context) -> {
                PollerLifecycle lifecycle = context.getBean(PollerLifecycle.class);
                assertThat(lifecycle.getDispatchBudget()).isNotNull();
                PollerListener listener = this.factory.listeners.get(0);
                assertThat(listener).isInstanceOf(OrderedDispatcher.class);
                ConnectionInfo connection = new ConnectionInfo(1, "default", new InetSocketAddress(40000),
                        new InetSocketAddress(1815), Instant.now());
                listener.opened(connection);
                for (int i = 0; i < 100; i++) {
                    listener.read(connection, new byte[] { (byte) i });
                }
                listener.closed(connection, CloseReason.SHUTDOWN, null);
                lifecycle.stop();
                assertThat(this.events).extracting((event) -> event.getClass().getSimpleName())
                    .containsSubsequence("TcpConnectionOpenedEvent", "TcpDataReceivedEvent",
                            "TcpConnectionClosedEvent", "TcpListenerStoppedEvent")
                    .hasSize(104);
                assertThat(this.threads).hasSize(102).allMatch((name) -> name.startsWith("kqlisten-dispatch-"));
                assertThat(lifecycle.getDispatchBudget()).isNull();
            });
    }

    @Test
    void loggingListenerLogsTheStartedListener(CapturedOutput output) {
        this.runner.run((context) -> {
            assertThat(context).hasSingleBean(TcpEventLogger.class);
            assertThat(output).contains("[default] listening on 0.0.0.0:1815 (fake)");
        });
    }

    // Metrics must see each poller, and feed its loop, before the loop's first iteration.
    @Test
    void observersAreToldAboutEveryPollerBeforeItsThreadStarts() {
        List<String> seen = new CopyOnWriteArrayList<>();
        PollerObserver observer = (events, nanos) -> {
        };
        this.runner.withBean(PollerObservers.class, () -> (name, stats) -> {
            FakePoller poller = this.factory.opened.stream().filter((p) -> p.config.listenerName().equals(name))
                .findFirst()
                .orElseThrow();
            seen.add(name + (poller.stats == stats) + (poller.thread == null));
            return observer;
        }).withPropertyValues("kqlisten.listeners[0].name=a", "kqlisten.listeners[1].name=b",
                "kqlisten.listeners[1].port=7002").run((context) -> {
                    assertThat(seen).containsExactly("atruetrue", "btruetrue");
                    assertThat(this.factory.opened).allMatch((poller) -> poller.observer == observer);
                });
    }

    @Test
    void connectionsAreAskedOfTheNamedListenerAndCloseGoesToEveryPollerAsOperator() {
        this.runner.withPropertyValues("kqlisten.listeners[0].name=a", "kqlisten.listeners[1].name=b",
                "kqlisten.listeners[1].port=7002").run((context) -> {
                    PollerLifecycle lifecycle = context.getBean(PollerLifecycle.class);
                    FakePoller b = this.factory.opened.get(1);
                    ConnectionSnapshot snapshot = new ConnectionSnapshot(new ConnectionInfo(42, "b",
                            new InetSocketAddress("127.0.0.1", 50000), b.address, Instant.now()), 7, Duration.ZERO);
                    b.connections = List.of(snapshot);
                    assertThat(lifecycle.connections("b").get(5, TimeUnit.SECONDS)).containsExactly(snapshot);
                    assertThat(lifecycle.connections("a").get(5, TimeUnit.SECONDS)).isEmpty();
                    assertThat(lifecycle.connections("nope").get(5, TimeUnit.SECONDS)).isEmpty();
                    assertThat(lifecycle.closeConnection(42).get(5, TimeUnit.SECONDS)).isTrue();
                    assertThat(lifecycle.closeConnection(43).get(5, TimeUnit.SECONDS)).isFalse();
                    assertThat(b.closeRequests).containsExactly("42 OPERATOR", "43 OPERATOR");
                    assertThat(this.factory.opened.get(0).closeRequests).containsExactly("42 OPERATOR", "43 OPERATOR");
                });
    }

    @Test
    void loggingListenerCanBeSwitchedOff() {
        this.runner.withPropertyValues("kqlisten.logging.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(TcpEventLogger.class));
    }

    @Test
    void allListenersShareOneDescriptorBudgetOfTheLimitMinusTheReserve(CapturedOutput output) {
        this.factory.limit = new DescriptorLimit(1024, 4096);
        this.runner.withPropertyValues("kqlisten.reserved-descriptors=100", "kqlisten.listeners[0].name=a",
                "kqlisten.listeners[0].port=0", "kqlisten.listeners[1].name=b", "kqlisten.listeners[1].port=0")
            .run((context) -> {
                assertThat(this.factory.opened).hasSize(2);
                assertThat(this.factory.opened.get(0).config.descriptors())
                    .isSameAs(this.factory.opened.get(1).config.descriptors());
                assertThat(this.factory.opened.get(0).config.descriptors().capacity()).isEqualTo(924);
                assertThat(output).contains("kqlisten's connections may hold 924 descriptors "
                        + "(descriptor limit 1024 minus kqlisten.reserved-descriptors 100)");
            });
    }

    @Test
    void theDefaultReserveIs64() {
        this.factory.limit = new DescriptorLimit(1024, 1024);
        this.runner.run((context) -> assertThat(this.factory.opened.get(0).config.descriptors().capacity())
            .isEqualTo(1024 - 64));
    }

    @Test
    void anUnlimitedDescriptorLimitMeansAnUnlimitedBudget() {
        this.factory.limit = DescriptorLimit.NONE;
        this.runner.run((context) -> assertThat(this.factory.opened.get(0).config.descriptors().isUnlimited())
            .isTrue());
    }

    @Test
    void aReserveThatLeavesNoDescriptorFailsStartupBeforeAnythingIsBound() {
        this.factory.limit = new DescriptorLimit(64, 64);
        this.runner.withPropertyValues("kqlisten.reserved-descriptors=64").run((context) -> {
            assertThat(context.getStartupFailure()).cause()
                .isInstanceOfSatisfying(DescriptorReserveException.class, (ex) -> {
                    assertThat(ex.getReserved()).isEqualTo(64);
                    assertThat(ex.getLimit()).isEqualTo(64);
                });
            assertThat(this.factory.opened).isEmpty();
        });
    }

    @Test
    void aReserveOneBelowTheLimitLeavesOneDescriptor() {
        this.factory.limit = new DescriptorLimit(64, 64);
        this.runner.withPropertyValues("kqlisten.reserved-descriptors=63")
            .run((context) -> assertThat(this.factory.opened.get(0).config.descriptors().capacity()).isEqualTo(1));
    }

    static final class FakeFactory implements PollerFactory {

        final List<FakePoller> opened = new CopyOnWriteArrayList<>();

        final List<PollerListener> listeners = new CopyOnWriteArrayList<>();

        volatile NativeIoException failure;

        volatile int failAt = 1;

        volatile NativeTransportUnavailableException unavailable;

        volatile boolean ignoreShutdown;

        volatile DescriptorLimit limit = DescriptorLimit.NONE;

        @Override
        public DescriptorLimit descriptorLimit() {
            return this.limit;
        }

        @Override
        public ListenerPoller open(PollerConfig config, TransportOptions options, PollerListener listener) throws NativeIoException {
            if (this.unavailable != null) {
                throw this.unavailable;
            }
            if (this.failure != null && this.opened.size() == this.failAt) {
                throw this.failure;
            }
            int port = (config.listen().port() != 0) ? config.listen().port() : 40001 + this.opened.size();
            FakePoller poller = new FakePoller(config, options,
                    new InetSocketAddress(config.listen().address(), port), this.ignoreShutdown);
            this.opened.add(poller);
            this.listeners.add(listener);
            return poller;
        }

    }

    static final class FakePoller implements ListenerPoller {

        final PollerConfig config;

        final TransportOptions options;

        final InetSocketAddress address;

        final boolean ignoreShutdown;

        final CountDownLatch running = new CountDownLatch(1);

        final CountDownLatch release = new CountDownLatch(1);

        volatile Thread thread;

        volatile boolean closedUnstarted;

        final PollerStats stats = new PollerStats();

        volatile PollerObserver observer;

        volatile List<ConnectionSnapshot> connections = List.of();

        final List<String> closeRequests = new CopyOnWriteArrayList<>();

        FakePoller(PollerConfig config, TransportOptions options, InetSocketAddress address,
                boolean ignoreShutdown) {
            this.config = config;
            this.options = options;
            this.address = address;
            this.ignoreShutdown = ignoreShutdown;
        }

        @Override
        public void run() {
            this.thread = Thread.currentThread();
            this.running.countDown();
            try {
                this.release.await(20, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public InetSocketAddress localAddress() {
            return this.address;
        }

        @Override
        public String backend() {
            return "fake";
        }

        @Override
        public void shutdown() {
            if (!this.ignoreShutdown) {
                this.release.countDown();
            }
        }

        @Override
        public void drain(java.time.Duration timeout) {
            shutdown();
        }

        @Override
        public void closeUnstarted() {
            this.closedUnstarted = true;
        }

        @Override
        public PollerStats stats() {
            return this.stats;
        }

        @Override
        public void observe(PollerObserver observer) {
            this.observer = observer;
        }

        @Override
        public CompletableFuture<List<ConnectionSnapshot>> connections() {
            return CompletableFuture.completedFuture(this.connections);
        }

        @Override
        public CompletableFuture<Boolean> close(long id, CloseReason reason) {
            this.closeRequests.add(id + " " + reason);
            return CompletableFuture.completedFuture(this.connections.stream().anyMatch((c) -> c.info().id() == id));
        }

    }

}
