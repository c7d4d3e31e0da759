package dev.kqlisten.boot;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.kqlisten.boot.event.TcpConnectionEvent;
import dev.kqlisten.boot.event.TcpConnectionOpenedEvent;
import dev.kqlisten.boot.event.TcpEvent;
import dev.kqlisten.boot.event.TcpListenerStartedEvent;
import dev.kqlisten.boot.event.TcpListenerStoppedEvent;
import dev.kqlisten.nativeio.Backend;
import dev.kqlisten.nativeio.DescriptorLimit;
import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.NativeTransportUnavailableException;
import dev.kqlisten.nativeio.TransportOptions;
import dev.kqlisten.poller.FakeTransport;
import dev.kqlisten.poller.PollerObserver;
import dev.kqlisten.server.DescriptorReserveException;
import dev.kqlisten.server.KqlistenServer;
import dev.kqlisten.server.ListenerBindException;
import dev.kqlisten.server.ListenerPortInUseException;
import dev.kqlisten.server.PollerObservers;
import dev.kqlisten.support.FakeTransports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link KqlistenServerLifecycle} and the {@link KqlistenServer} wired by
 * {@link KqlistenConfiguration}, over scripted transports ({@link FakeTransports}): what the
 * properties configure, which events are published on start and stop, and how start-up
 * failures reach the failure analyzers. The server itself is covered by its own tests.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(30)
class KqlistenServerLifecycleTests {

    private final FakeTransports transports = new FakeTransports();

    private final List<TcpEvent> events = new CopyOnWriteArrayList<>();

    private final List<String> threads = new CopyOnWriteArrayList<>();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withUserConfiguration(KqlistenConfiguration.class)
        .withBean(FakeTransports.class, () -> this.transports)
        .withInitializer((context) -> context.addApplicationListener((event) -> {
            if (event instanceof TcpEvent tcp) {
                this.events.add(tcp);
            }
        }));

    @Test
    void startPublishesOneStartedEventPerListenerOnceAllAreBound() {
        this.runner.withPropertyValues("kqlisten.listeners[0].name=alpha", "kqlisten.listeners[0].port=0",
                "kqlisten.listeners[1].name=beta", "kqlisten.listeners[1].port=7002").run((context) -> {
                    assertThat(context.getBean(KqlistenServerLifecycle.class).isRunning()).isTrue();
                    assertThat(context.getBean(KqlistenServer.class).getListeners()).extracting((info) -> info.name())
                        .containsExactly("alpha", "beta");
                    assertThat(this.events).extracting(TcpEvent::getListenerName).containsExactly("alpha", "beta");
                    assertThat(this.events).allMatch(TcpListenerStartedEvent.class::isInstance);
                    assertThat(this.events).extracting((event) -> ((TcpListenerStartedEvent) event).getPort())
                        .containsExactly(40001, 7002);
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
                    TransportOptions options = this.transports.options.get(0);
                    assertThat(options.backend()).isEqualTo(Backend.AUTO);
                    assertThat(options.maxEvents()).isEqualTo(16);
                    assertThat(options.readBufferSize()).isEqualTo(1024);
                    assertThat(context.getBean(KqlistenServer.class).getConfig().listeners().get(0).readBufferSize())
                        .isEqualTo(1024);
                    assertThat(this.transports.opened.get(0).listened().port()).isEqualTo(1815);
                });
    }

    @Test
    void portClashReleasesWhatWasOpenedAndFailsWithPortInUse() {
        this.transports.failure = new NativeIoException("bind", 98, Errno.EADDRINUSE);
        this.runner.withPropertyValues("kqlisten.listeners[0].name=a", "kqlisten.listeners[0].port=7001",
                "kqlisten.listeners[1].name=b", "kqlisten.listeners[1].port=7002").run((context) -> {
                    assertThat(context).hasFailed();
                    assertThat(context.getStartupFailure()).rootCause().isInstanceOf(NativeIoException.class);
                    assertThat(context.getStartupFailure()).cause()
                        .isInstanceOfSatisfying(ListenerPortInUseException.class, (ex) -> {
                            assertThat(ex.getListenerName()).isEqualTo("b");
                            assertThat(ex.getListenerIndex()).isEqualTo(1);
                            assertThat(ex.getPort()).isEqualTo(7002);
                        });
                    assertThat(this.transports.opened.get(0)).satisfies((fake) -> {
                        assertThat(fake.isClosed()).isTrue();
                        assertThat(fake.loopThread()).isNull();
                    });
                    assertThat(this.events).isEmpty();
                });
    }

    @Test
    void addressNotOnThisHostFailsWithBindException() {
        this.transports.failure = new NativeIoException("bind", 99, Errno.EADDRNOTAVAIL);
        this.transports.failAt = 0;
        this.runner.run((context) -> {
            assertThat(context.getStartupFailure()).cause()
                .isExactlyInstanceOf(ListenerBindException.class)
                .hasMessageContaining("'default'");
            assertThat(this.transports.opened).singleElement().satisfies((fake) -> {
                assertThat(fake.isClosed()).isTrue();
                assertThat(fake.listened()).isNull();
            });
        });
    }

    @Test
    void unavailableTransportFailsStartupAsIs() {
        this.transports.unavailable = new NativeTransportUnavailableException(Backend.EPOLL, "FreeBSD", "amd64",
                "epoll is Linux-only", null);
        this.runner.run((context) -> assertThat(context.getStartupFailure()).cause()
            .isSameAs(this.transports.unavailable));
    }

    @Test
    void stopShutsDownJoinsAndPublishesStopped() {
        this.runner.withPropertyValues("kqlisten.listeners[0].name=a", "kqlisten.listeners[0].port=0")
            .run((context) -> {
                KqlistenServerLifecycle lifecycle = context.getBean(KqlistenServerLifecycle.class);
                FakeTransport fake = this.transports.opened.get(0);
                await().until(() -> fake.loopThread() != null);
                lifecycle.stop();
                assertThat(fake.loopThread().isAlive()).isFalse();
                assertThat(lifecycle.isRunning()).isFalse();
                assertThat(context.getBean(KqlistenServer.class).getPorts()).isEmpty();
                assertThat(this.events).extracting((event) -> event.getClass().getSimpleName())
                    .containsExactly("TcpListenerStartedEvent", "TcpListenerStoppedEvent");
                assertThat(((TcpListenerStoppedEvent) this.events.get(1)).getPort()).isEqualTo(40001);
            });
    }

    // Executor mode: the poller reports to an OrderedDispatcher, events reach listeners on the
    // dispatch threads, and stop delivers what is queued before the stopped event.
    @Test
    void executorModeDeliversOnDispatchThreadsAndDrainsBeforeStopped() {
        this.runner.withPropertyValues("kqlisten.dispatch.mode=executor", "kqlisten.dispatch.threads=2",
                "kqlisten.logging.enabled=false", "server.shutdown=immediate")
            .withInitializer((context) -> context.addApplicationListener((event) -> {
                if (event instanceof TcpConnectionEvent) {
                    this.threads.add(Thread.currentThread().getName());
                }
            }))
            .run((context) -> {
                KqlistenServerLifecycle lifecycle = context.getBean(KqlistenServerLifecycle.class);
                KqlistenServer server = context.getBean(KqlistenServer.class);
                assertThat(server.getDispatchBudget()).isNotNull();
                FakeTransport fake = this.transports.opened.get(0);
                fake.onLoop((f) -> f.connect(10));
                long id = await().until(() -> this.events.stream()
                    .filter(TcpConnectionOpenedEvent.class::isInstance)
                    .map((event) -> ((TcpConnectionOpenedEvent) event).getConnection().id())
                    .findFirst(), (opened) -> opened.isPresent()).orElseThrow();
                fake.onLoop((f) -> {
                    for (int i = 0; i < 100; i++) {
                        f.send(id, 10, new byte[] { (byte) i });
                    }
                });
                // Read by the poller; how much the dispatch threads delivered yet is left to chance.
                await().until(() -> server.getListeners().get(0).stats().bytesRead() == 100);
                lifecycle.stop();
                assertThat(this.events).extracting((event) -> event.getClass().getSimpleName())
                    .containsSubsequence("TcpConnectionOpenedEvent", "TcpDataReceivedEvent",
                            "TcpConnectionClosedEvent", "TcpListenerStoppedEvent")
                    .hasSize(104);
                assertThat(this.threads).hasSize(102).allMatch((name) -> name.startsWith("kqlisten-dispatch-"));
                assertThat(server.getDispatchBudget()).isNull();
            });
    }

    @Test
    void loggingListenerLogsTheStartedListener(CapturedOutput output) {
        this.runner.run((context) -> {
            assertThat(context).hasSingleBean(TcpEventLogger.class);
            assertThat(output).contains("[default] listening on 0.0.0.0:1815 (fake)");
        });
    }

    @Test
    void loggingListenerCanBeSwitchedOff() {
        this.runner.withPropertyValues("kqlisten.logging.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(TcpEventLogger.class));
    }

    @Test
    void anObserversBeanIsToldAboutEveryPoller() {
        List<String> seen = new CopyOnWriteArrayList<>();
        this.runner.withBean(PollerObservers.class, () -> (name, stats) -> {
            seen.add(name);
            return PollerObserver.NONE;
        }).withPropertyValues("kqlisten.listeners[0].name=a", "kqlisten.listeners[1].name=b",
                "kqlisten.listeners[1].port=7002").run((context) -> assertThat(seen).containsExactly("a", "b"));
    }

    @Test
    void theDefaultReserveIs64() {
        this.transports.limit = new DescriptorLimit(1024, 1024);
        this.runner.run((context) -> assertThat(context.getBean(KqlistenServer.class).getDescriptorBudget().capacity())
            .isEqualTo(1024 - 64));
    }

    @Test
    void aReserveThatLeavesNoDescriptorFailsStartupBeforeAnythingIsBound() {
        this.transports.limit = new DescriptorLimit(64, 64);
        this.runner.withPropertyValues("kqlisten.reserved-descriptors=64").run((context) -> {
            assertThat(context.getStartupFailure()).cause()
                .isInstanceOfSatisfying(DescriptorReserveException.class, (ex) -> {
                    assertThat(ex.getReserved()).isEqualTo(64);
                    assertThat(ex.getLimit()).isEqualTo(64);
                });
            assertThat(this.transports.opened).isEmpty();
        });
    }

}
