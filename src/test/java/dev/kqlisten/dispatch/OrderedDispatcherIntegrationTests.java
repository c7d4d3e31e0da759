package dev.kqlisten.dispatch;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.Multiplexers;
import dev.kqlisten.poller.Poller;
import dev.kqlisten.poller.PollerConfig;
import dev.kqlisten.poller.PollerListener;
import dev.kqlisten.poller.ReadFlowControl;
import dev.kqlisten.support.TestBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real {@link Poller} per backend with an {@link OrderedDispatcher}: one connection's listener
 * blocks while its client sends far more than the bound. The poller must suspend that connection
 * (the client's writes then block on TCP flow control), keep serving another connection, and,
 * once the listener is released, deliver every byte in order.
 */
@Tag("kqueue")
@Timeout(120)
class OrderedDispatcherIntegrationTests {

    private static final int READ_BUFFER = 16 * 1024;

    private static final long BOUND = 256 * 1024;

    private static final int STREAM = 16 << 20;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.kqlisten.support.TestBackend#all")
    void aBlockedListenerSuspendsItsConnectionOnlyAndLosesNothing(TestBackend backend) throws Exception {
        backend.assumeAvailable();
        SlowFirstListener listener = new SlowFirstListener();
        DispatchBudget budget = new DispatchBudget(BOUND, 64L << 20);
        ExecutorService workers = Executors.newFixedThreadPool(2);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        OrderedDispatcher dispatcher = new OrderedDispatcher(listener, workers, budget, READ_BUFFER);
        Measuring measuring = new Measuring(dispatcher, listener);
        ListenSpec spec = new ListenSpec(InetAddress.getLoopbackAddress(), 0, 0, true, false, false);
        Poller poller = Poller.open(new PollerConfig("it", spec, READ_BUFFER),
                Multiplexers.open(backend.options(256, READ_BUFFER)), 256, measuring);
        Thread loop = new Thread(poller, "kqlisten-poller-it");
        loop.start();
        try (Socket slow = new Socket(poller.localAddress().getAddress(), poller.localAddress().getPort())) {
            Future<Long> sent = writer.submit(() -> writeStream(slow));
            assertThat(listener.blocked.await(30, TimeUnit.SECONDS)).as("slow listener blocked").isTrue();
            assertThat(measuring.overBound.await(30, TimeUnit.SECONDS)).as("more than the bound read").isTrue();
            try (Socket other = new Socket(poller.localAddress().getAddress(), poller.localAddress().getPort())) {
                other.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                assertThat(listener.otherRead.await(10, TimeUnit.SECONDS)).as("other connection served").isTrue();
            }
            // Still blocked: the poller stopped reading the slow connection at the bound.
            assertThat(measuring.delivered.get()).isLessThanOrEqualTo(BOUND + READ_BUFFER);
            assertThat(budget.suspendedConnections()).isEqualTo(1);
            listener.release.countDown();
            long expectedCrc = sent.get(60, TimeUnit.SECONDS);
            assertThat(listener.closed.await(60, TimeUnit.SECONDS)).as("slow connection closed").isTrue();
            assertThat(listener.count.get()).isEqualTo(STREAM);
            assertThat(listener.crc.getValue()).isEqualTo(expectedCrc);
            assertThat(listener.closeReason).isEqualTo(CloseReason.PEER_CLOSED);
            assertThat(measuring.maxInFlight.get()).isLessThanOrEqualTo(BOUND + READ_BUFFER);
            assertThat(budget.suspensions()).isPositive();
            System.out.printf("[%s] %d suspensions, most bytes in flight %d (bound %d)%n", backend,
                    budget.suspensions(), measuring.maxInFlight.get(), BOUND);
        }
        finally {
            listener.release.countDown();
            poller.shutdown();
            loop.join(TimeUnit.SECONDS.toMillis(30));
            writer.shutdownNow();
            workers.shutdown();
            assertThat(workers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(loop.isAlive()).isFalse();
        }
        assertThat(budget.bytesInFlight()).isZero();
        assertThat(dispatcher.connections()).isZero();
    }

    /** Writes the seeded stream and half-closes; returns its CRC-32. */
    private static long writeStream(Socket client) throws Exception {
        SplittableRandom random = new SplittableRandom(1815);
        CRC32 crc = new CRC32();
        OutputStream out = client.getOutputStream();
        byte[] chunk = new byte[64 * 1024];
        for (int written = 0; written < STREAM; written += chunk.length) {
            random.nextBytes(chunk);
            crc.update(chunk);
            out.write(chunk);
        }
        client.shutdownOutput();
        return crc.getValue();
    }

    /**
     * On the workers: the slow connection (the first, see {@link Measuring}), whose first read blocks until
     * {@link #release}; it is checksummed. Any other connection's read counts down
     * {@link #otherRead}.
     */
    static final class SlowFirstListener implements PollerListener {

        final CountDownLatch blocked = new CountDownLatch(1);

        final CountDownLatch release = new CountDownLatch(1);

        final CountDownLatch otherRead = new CountDownLatch(1);

        final CountDownLatch closed = new CountDownLatch(1);

        final AtomicLong slowId = new AtomicLong(-1);

        final AtomicLong count = new AtomicLong();

        /** Counted when a read is handled, before the dispatcher releases it. */
        final AtomicLong consumed = new AtomicLong();

        final CRC32 crc = new CRC32();

        volatile CloseReason closeReason;

        @Override
        public void opened(ConnectionInfo connection) {
        }

        @Override
        public void read(ConnectionInfo connection, byte[] data) {
            if (connection.id() != this.slowId.get()) {
                this.otherRead.countDown();
                return;
            }
            if (this.blocked.getCount() > 0) {
                this.blocked.countDown();
                try {
                    this.release.await(60, TimeUnit.SECONDS);
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            // One worker at a time per connection: the lane orders these updates.
            this.crc.update(data);
            this.count.addAndGet(data.length);
            this.consumed.addAndGet(data.length);
        }

        @Override
        public void peerClosed(ConnectionInfo connection) {
        }

        @Override
        public void closed(ConnectionInfo connection, CloseReason reason, String error) {
            if (connection.id() == this.slowId.get()) {
                this.closeReason = reason;
                this.closed.countDown();
            }
        }

    }

    /**
     * On the poller thread, in front of the dispatcher: measures the slow connection's bytes
     * read but not yet handled after every read.
     */
    static final class Measuring implements PollerListener {

        final PollerListener dispatcher;

        final SlowFirstListener listener;

        final AtomicLong delivered = new AtomicLong();

        final AtomicLong maxInFlight = new AtomicLong();

        final CountDownLatch overBound = new CountDownLatch(1);

        Measuring(PollerListener dispatcher, SlowFirstListener listener) {
            this.dispatcher = dispatcher;
            this.listener = listener;
        }

        @Override
        public void attached(ReadFlowControl flowControl) {
            this.dispatcher.attached(flowControl);
        }

        @Override
        public void opened(ConnectionInfo connection) {
            // Here, before any read of it: the first connection is the slow one.
            this.listener.slowId.compareAndSet(-1, connection.id());
            this.dispatcher.opened(connection);
        }

        @Override
        public void read(ConnectionInfo connection, byte[] data) {
            boolean slow = connection.id() == this.listener.slowId.get();
            int n = data.length;
            this.dispatcher.read(connection, data);
            if (slow) {
                long delivered = this.delivered.addAndGet(n);
                this.maxInFlight.accumulateAndGet(delivered - this.listener.consumed.get(), Math::max);
                if (delivered > BOUND) {
                    this.overBound.countDown();
                }
            }
        }

        @Override
        public void peerClosed(ConnectionInfo connection) {
            this.dispatcher.peerClosed(connection);
        }

        @Override
        public void closed(ConnectionInfo connection, CloseReason reason, String error) {
            this.dispatcher.closed(connection, reason, error);
        }

    }

}
