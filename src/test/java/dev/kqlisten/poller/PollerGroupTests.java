package dev.kqlisten.poller;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.Multiplexers;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pollers of one listener on real sockets: hand-off in turn, and a connection
 * handed to a poller that has stopped closed rather than leaked.
 */
@Tag("kqueue")
@Timeout(60)
class PollerGroupTests {

    private static final long WAIT_SECONDS = 30;

    /** Connections are handed out in turn, and each then lives on its poller's thread. */
    @BackendTest
    void handOffGivesEachPollerTheNextConnectionInTurn(TestBackend backend) throws Exception {
        Opened opened = new Opened();
        try (Group group = Group.start(backend, 3, PollerLimits.NONE, DescriptorBudget.unlimited(), opened)) {
            List<Socket> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 6; i++) {
                    clients.add(new Socket(InetAddress.getLoopbackAddress(), group.port()));
                    assertThat(opened.threads.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("p-" + (i % 3 + 1));
                }
                assertThat(group.group.pollers()).allSatisfy((p) -> assertThat(p.stats().accepted()).isEqualTo(2));
            }
            finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
        }
    }

    /**
     * A connection handed to a poller that has already stopped is closed there, its descriptor
     * slot given back: the client sees the end of the stream, and the budget holds only the
     * connection that is served.
     */
    @BackendTest
    void aConnectionHandedToAStoppedPollerIsClosedAndItsSlotFreed(TestBackend backend) throws Exception {
        Opened opened = new Opened();
        DescriptorBudget budget = new DescriptorBudget(100, "test");
        try (Group group = Group.start(backend, 2, PollerLimits.NONE, budget, opened)) {
            group.group.pollers().get(1).shutdown();
            group.threads.get(1).join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            try (Socket served = new Socket(InetAddress.getLoopbackAddress(), group.port());
                    Socket handedToStopped = new Socket(InetAddress.getLoopbackAddress(), group.port())) {
                assertThat(opened.threads.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("p-1");
                handedToStopped.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                try (InputStream in = handedToStopped.getInputStream()) {
                    assertThat(in.read()).isEqualTo(-1);
                }
                // The slot is given back just after the close the client saw.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
                while (budget.used() != 1 && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertThat(budget.used()).isEqualTo(1);
                assertThat(opened.threads).isEmpty();
            }
        }
    }

    /** Thread-safe: every poller of the group reports here. */
    static final class Opened implements PollerListener {

        final BlockingQueue<String> threads = new LinkedBlockingQueue<>();

        @Override
        public void opened(ConnectionInfo connection) {
            this.threads.add(Thread.currentThread().getName());
        }

        @Override
        public void read(ConnectionInfo connection, byte[] data) {
        }

        @Override
        public void peerClosed(ConnectionInfo connection) {
        }

        @Override
        public void closed(ConnectionInfo connection, CloseReason reason, String error) {
        }

    }

    record Group(PollerGroup group, List<Thread> threads) implements AutoCloseable {

        static Group start(TestBackend backend, int pollers, PollerLimits limits, DescriptorBudget budget,
                PollerListener listener) throws Exception {
            backend.assumeAvailable();
            ListenSpec spec = new ListenSpec(InetAddress.getLoopbackAddress(), 0, 0, true, false, false);
            PollerGroup group = PollerGroup.open(new PollerConfig("it", spec, 4096, limits, budget), pollers,
                    AcceptSpreading.HANDOFF, () -> Multiplexers.open(backend.options(64, 4096)), 64, () -> listener);
            List<Thread> threads = new ArrayList<>();
            for (Poller poller : group.pollers()) {
                Thread thread = new Thread(poller, "p-" + (threads.size() + 1));
                threads.add(thread);
                thread.start();
            }
            return new Group(group, threads);
        }

        int port() {
            return this.group.localAddress().getPort();
        }

        @Override
        public void close() throws InterruptedException {
            this.group.shutdown();
            for (Thread thread : this.threads) {
                thread.join(Duration.ofSeconds(WAIT_SECONDS).toMillis());
                assertThat(thread.isAlive()).as(thread.getName() + " stopped").isFalse();
            }
        }

    }

}
