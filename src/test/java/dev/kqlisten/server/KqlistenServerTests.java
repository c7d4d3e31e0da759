package dev.kqlisten.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.ConnectionSnapshot;
import dev.kqlisten.nativeio.Backend;
import dev.kqlisten.nativeio.DescriptorLimit;
import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.NativeTransportUnavailableException;
import dev.kqlisten.nativeio.TransportOptions;
import dev.kqlisten.poller.FakeTransport;
import dev.kqlisten.poller.PollerLimits;
import dev.kqlisten.poller.PollerListener;
import dev.kqlisten.poller.PollerObserver;
import dev.kqlisten.poller.PollerStats;
import dev.kqlisten.support.FakeTransports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link KqlistenServer} running real pollers, each on its own thread over a scripted
 * {@link FakeTransport}: what is bound, started and released on start, on a failed bind and on
 * stop, and what the queries answer. Real sockets are covered by the whole-application tests.
 */
@ExtendWith(OutputCaptureExtension.class)
@Timeout(30)
class KqlistenServerTests {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final FakeTransports transports = new FakeTransports();

    private final Recorder listener = new Recorder();

    private PollerObservers observers = PollerObservers.NONE;

    private Duration shutdownTimeout = Duration.ofSeconds(10);

    private Duration joinMargin = ServerConfig.DEFAULT_JOIN_MARGIN;

    private int reservedDescriptors = 64;

    private KqlistenServer server;

    @AfterEach
    void stop() {
        if (this.server != null) {
            this.server.stop(Shutdown.IMMEDIATE);
        }
    }

    @Test
    void startBindsEveryListenerThenRunsOneNamedNonDaemonThreadEach(CapturedOutput output) {
        start(listener("alpha", 0), listener("beta", 7002));
        assertThat(this.server.isRunning()).isTrue();
        assertThat(this.transports.opened).extracting((fake) -> fake.listened().port()).containsExactly(0, 7002);
        for (FakeTransport fake : this.transports.opened) {
            awaitLoop(fake);
            assertThat(fake.loopThread().isDaemon()).isFalse();
        }
        assertThat(this.transports.opened).extracting((fake) -> fake.loopThread().getName())
            .containsExactly("kqlisten-poller-1", "kqlisten-poller-2");
        assertThat(this.server.getPorts()).containsExactly(Map.entry("alpha", 40001), Map.entry("beta", 7002));
        assertThat(this.server.getBackend()).isEqualTo("fake");
        assertThat(this.server.getListeners()).extracting(TcpListenerInfo::threadName)
            .containsExactly("kqlisten-poller-1", "kqlisten-poller-2");
        assertThat(this.server.getListeners()).allMatch(TcpListenerInfo::alive);
        assertThat(output).contains("Kqlisten started on 0.0.0.0:40001 (alpha), 0.0.0.0:7002 (beta) with fake");
    }

    @Test
    void failedBindReleasesWhatWasOpenedAndNamesTheListener() {
        NativeIoException clash = new NativeIoException("bind", 98, Errno.EADDRINUSE);
        this.transports.failure = clash;
        assertThatThrownBy(() -> start(listener("a", 7001), listener("b", 7002)))
            .isInstanceOfSatisfying(ListenerBindException.class, (ex) -> {
                assertThat(ex.getListenerIndex()).isEqualTo(1);
                assertThat(ex.getListenerName()).isEqualTo("b");
                assertThat(ex.getAddress().isAnyLocalAddress()).isTrue();
                assertThat(ex.getPort()).isEqualTo(7002);
                assertThat(ex.getCause()).isSameAs(clash);
            });
        assertThat(this.transports.opened).hasSize(2).allSatisfy((fake) -> {
            assertThat(fake.isClosed()).isTrue();
            assertThat(fake.loopThread()).isNull();
        });
        assertThat(this.server.isRunning()).isFalse();
        assertThat(this.server.getDescriptorBudget()).isNull();
    }

    @Test
    void unavailableTransportFailsStartAsIs() {
        this.transports.unavailable = new NativeTransportUnavailableException(Backend.EPOLL, "FreeBSD", "amd64",
                "epoll is Linux-only", null);
        assertThatThrownBy(() -> start(listener("default", 1815))).isSameAs(this.transports.unavailable);
    }

    @Test
    void stopJoinsTheThreadsAndAnswersWhatRan() {
        start(listener("a", 0));
        FakeTransport fake = this.transports.opened.get(0);
        awaitLoop(fake);
        List<TcpListenerInfo> stopped = this.server.stop(Shutdown.GRACEFUL);
        assertThat(stopped).singleElement().satisfies((info) -> {
            assertThat(info.name()).isEqualTo("a");
            assertThat(info.address().getPort()).isEqualTo(40001);
        });
        assertThat(fake.loopThread().isAlive()).isFalse();
        assertThat(fake.isClosed()).isTrue();
        assertThat(this.server.isRunning()).isFalse();
        assertThat(this.server.getPorts()).isEmpty();
        assertThat(this.server.getListeners()).isEmpty();
        assertThat(this.server.stop(Shutdown.GRACEFUL)).isEmpty();
    }

    // The join margin is what a graceful stop waits beyond the drain; a short one here keeps
    // this test from waiting the production default.
    @Test
    void pollerThatDoesNotEndIsAbandonedAfterTheShutdownTimeoutAndTheJoinMargin(CapturedOutput output)
            throws Exception {
        this.shutdownTimeout = Duration.ofMillis(100);
        this.joinMargin = Duration.ofMillis(100);
        this.listener.blockOpened = new CountDownLatch(1);
        try {
            start(listener("default", 0));
            FakeTransport fake = this.transports.opened.get(0);
            fake.onLoop((f) -> f.connect(10));
            this.listener.awaitOpened();
            long started = System.nanoTime();
            this.server.stop(Shutdown.GRACEFUL);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
            assertThat(fake.loopThread().isAlive()).isTrue();
            assertThat(output).contains("Poller thread kqlisten-poller-1 of listener 'default' did not end "
                    + "within PT0.1S; abandoning it");
        }
        finally {
            this.listener.blockOpened.countDown();
        }
        Thread loop = this.transports.opened.get(0).loopThread();
        loop.join(WAIT.toMillis());
        assertThat(loop.isAlive()).isFalse();
    }

    // Metrics must see each poller, and feed its loop, before the loop's first iteration.
    @Test
    void observersAreToldAboutEveryPollerBeforeItsThreadStarts() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        List<PollerStats> stats = new CopyOnWriteArrayList<>();
        CountDownLatch iterated = new CountDownLatch(2);
        PollerObserver observer = (events, nanos) -> iterated.countDown();
        this.observers = (name, pollerStats) -> {
            FakeTransport fake = this.transports.opened.get(name.equals("a") ? 0 : 1);
            seen.add(name + (fake.loopThread() == null));
            stats.addAll(pollerStats);
            return observer;
        };
        start(listener("a", 0), listener("b", 7002));
        assertThat(seen).containsExactly("atrue", "btrue");
        assertThat(this.server.getListeners()).extracting(TcpListenerInfo::stats).containsExactlyElementsOf(stats);
        this.transports.opened.forEach((fake) -> fake.onLoop((f) -> {
        }));
        assertThat(iterated.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void connectionsAreAskedOfTheNamedListenerAndCloseReachesEveryPollerAsOperator() throws Exception {
        start(listener("a", 0), listener("b", 7002));
        this.transports.opened.get(1).onLoop((f) -> f.connect(10));
        ConnectionInfo onB = this.listener.awaitOpened();
        assertThat(onB.listenerName()).isEqualTo("b");
        assertThat(this.server.connections("b").get(5, TimeUnit.SECONDS)).extracting(ConnectionSnapshot::info)
            .containsExactly(onB);
        assertThat(this.server.connections("a").get(5, TimeUnit.SECONDS)).isEmpty();
        assertThat(this.server.connections("nope").get(5, TimeUnit.SECONDS)).isEmpty();
        this.transports.opened.get(0).onLoop((f) -> f.connect(11));
        ConnectionInfo onA = this.listener.awaitOpened();
        assertThat(this.server.closeConnection(onB.id()).get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(this.server.closeConnection(onB.id()).get(5, TimeUnit.SECONDS)).isFalse();
        assertThat(this.server.closeConnection(onA.id()).get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(this.listener.closed).containsExactly(onB.id() + ":OPERATOR", onA.id() + ":OPERATOR");
        assertThat(this.server.connections("b").get(5, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void allListenersShareOneDescriptorBudgetOfTheLimitMinusTheReserve(CapturedOutput output) throws Exception {
        this.transports.limit = new DescriptorLimit(1024, 4096);
        this.reservedDescriptors = 100;
        start(listener("a", 0), listener("b", 0));
        assertThat(this.server.getDescriptorBudget().capacity()).isEqualTo(924);
        assertThat(output).contains("kqlisten's connections may hold 924 descriptors "
                + "(descriptor limit 1024 minus kqlisten.reserved-descriptors 100)");
        this.transports.opened.get(0).onLoop((f) -> f.connect(10));
        this.transports.opened.get(1).onLoop((f) -> f.connect(10));
        this.listener.awaitOpened();
        this.listener.awaitOpened();
        assertThat(this.server.getDescriptorBudget().used()).isEqualTo(2);
    }

    @Test
    void anUnlimitedDescriptorLimitMeansAnUnlimitedBudget() {
        this.transports.limit = DescriptorLimit.NONE;
        start(listener("default", 0));
        assertThat(this.server.getDescriptorBudget().isUnlimited()).isTrue();
    }

    @Test
    void aReserveThatLeavesNoDescriptorFailsStartBeforeAnythingIsBound() {
        this.transports.limit = new DescriptorLimit(64, 64);
        this.reservedDescriptors = 64;
        assertThatThrownBy(() -> start(listener("default", 0)))
            .isInstanceOfSatisfying(DescriptorReserveException.class, (ex) -> {
                assertThat(ex.getReserved()).isEqualTo(64);
                assertThat(ex.getLimit()).isEqualTo(64);
            });
        assertThat(this.transports.opened).isEmpty();
    }

    @Test
    void aReserveOneBelowTheLimitLeavesOneDescriptor() {
        this.transports.limit = new DescriptorLimit(64, 64);
        this.reservedDescriptors = 63;
        start(listener("default", 0));
        assertThat(this.server.getDescriptorBudget().capacity()).isEqualTo(1);
    }

    private void start(ServerConfig.Listener... listeners) {
        this.server = new KqlistenServer(new ServerConfig(List.of(listeners), this.shutdownTimeout, this.joinMargin,
                this.reservedDescriptors, null), this.listener, this.transports, this.observers);
        this.server.start();
    }

    private static ServerConfig.Listener listener(String name, int port) {
        try {
            ListenSpec spec = new ListenSpec(InetAddress.getByName("0.0.0.0"), port, 0, true, false, false);
            return new ServerConfig.Listener(name, spec, 1024, PollerLimits.NONE,
                    new TransportOptions(Backend.AUTO, null, null, 64, 1024));
        }
        catch (java.net.UnknownHostException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The loop thread records itself at its first wait. */
    private static void awaitLoop(FakeTransport fake) {
        await().atMost(WAIT).until(() -> fake.loopThread() != null);
    }

    /** Records opened connections and closes; can hold the poller thread in {@code opened}. */
    static final class Recorder implements PollerListener {

        final BlockingQueue<ConnectionInfo> opened = new LinkedBlockingQueue<>();

        final List<String> closed = new CopyOnWriteArrayList<>();

        volatile CountDownLatch blockOpened;

        @Override
        public void opened(ConnectionInfo connection) {
            this.opened.add(connection);
            CountDownLatch block = this.blockOpened;
            if (block != null) {
                try {
                    block.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        ConnectionInfo awaitOpened() throws InterruptedException {
            ConnectionInfo connection = this.opened.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(connection).as("opened connection").isNotNull();
            return connection;
        }

        @Override
        public void read(ConnectionInfo connection, byte[] data) {
        }

        @Override
        public void peerClosed(ConnectionInfo connection) {
        }

        @Override
        public void closed(ConnectionInfo connection, CloseReason reason, String error) {
            this.closed.add(connection.id() + ":" + reason);
        }

    }

}
