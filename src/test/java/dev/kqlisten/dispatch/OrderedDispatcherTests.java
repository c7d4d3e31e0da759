package dev.kqlisten.dispatch;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.framing.FrameError;
import dev.kqlisten.poller.PollerListener;
import dev.kqlisten.poller.ReadFlowControl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OrderedDispatcher} and {@link DispatchBudget} with a fake {@link ReadFlowControl}: order
 * per connection, when reads are suspended and resumed, cleanup after close, containment of a
 * throwing listener. The test thread plays the poller thread. The last test runs a simulated
 * poller against real worker threads to catch lost wake-ups: a missed resume stalls it.
 */
@Timeout(60)
class OrderedDispatcherTests {

    private final FlowControl flow = new FlowControl();

    private final ManualExecutor manual = new ManualExecutor();

    private ExecutorService pool;

    @AfterEach
    void stopPool() throws InterruptedException {
        if (this.pool != null) {
            this.pool.shutdownNow();
            assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void eventsOfEachConnectionRunOneAtATimeInOrderOnWorkers() throws Exception {
        this.pool = Executors.newFixedThreadPool(4);
        int connections = 8;
        int reads = 2000;
        CountDownLatch closed = new CountDownLatch(connections);
        Map<Long, List<Integer>> seen = new ConcurrentHashMap<>();
        Map<Long, AtomicBoolean> busy = new ConcurrentHashMap<>();
        AtomicLong overlaps = new AtomicLong();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        PollerListener listener = new Adapter() {

            @Override
            void event(ConnectionInfo connection, int value) {
                if (!busy.computeIfAbsent(connection.id(), (id) -> new AtomicBoolean()).compareAndSet(false, true)) {
                    overlaps.incrementAndGet();
                }
                threads.add(Thread.currentThread().getName());
                seen.computeIfAbsent(connection.id(), (id) -> new CopyOnWriteArrayList<>()).add(value);
                Thread.yield();
                busy.get(connection.id()).set(false);
                if (value == Integer.MAX_VALUE) {
                    closed.countDown();
                }
            }

        };
        OrderedDispatcher dispatcher = dispatcher(listener, this.pool, new DispatchBudget(1 << 30, 1L << 40), 4);
        List<ConnectionInfo> infos = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            infos.add(info(c + 1));
            dispatcher.opened(infos.get(c));
        }
        for (int i = 0; i < reads; i++) {
            for (ConnectionInfo info : infos) {
                dispatcher.read(info, Adapter.encode(i));
            }
        }
        infos.forEach(dispatcher::peerClosed);
        infos.forEach((info) -> dispatcher.closed(info, CloseReason.PEER_CLOSED, null));
        assertThat(closed.await(30, TimeUnit.SECONDS)).isTrue();
        quiesce();
        assertThat(overlaps).hasValue(0);
        assertThat(threads).doesNotContain(Thread.currentThread().getName());
        List<Integer> expected = new ArrayList<>();
        expected.add(Adapter.OPENED);
        for (int i = 0; i < reads; i++) {
            expected.add(i);
        }
        expected.add(Adapter.PEER_CLOSED);
        expected.add(Integer.MAX_VALUE);
        assertThat(seen).hasSize(connections).allSatisfy((id, values) -> assertThat(values).isEqualTo(expected));
        assertThat(dispatcher.connections()).isZero();
        assertThat(this.flow.suspends).isEmpty();
    }

    @Test
    void aBlockedListenerDelaysOnlyItsOwnConnection() throws Exception {
        this.pool = Executors.newFixedThreadPool(2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch otherDelivered = new CountDownLatch(1);
        PollerListener listener = new Adapter() {

            @Override
            void event(ConnectionInfo connection, int value) throws InterruptedException {
                if (connection.id() == 1) {
                    release.await(30, TimeUnit.SECONDS);
                }
                else if (value == 7) {
                    otherDelivered.countDown();
                }
            }

        };
        OrderedDispatcher dispatcher = dispatcher(listener, this.pool, new DispatchBudget(1024, 4096), 4);
        dispatcher.opened(info(1));
        dispatcher.read(info(1), Adapter.encode(1));
        dispatcher.opened(info(2));
        dispatcher.read(info(2), Adapter.encode(7));
        try {
            assertThat(otherDelivered.await(10, TimeUnit.SECONDS)).isTrue();
        }
        finally {
            release.countDown();
        }
    }

    @Test
    void readsAreSuspendedOverTheBoundAndResumedAtTheLowWaterMark() {
        DispatchBudget budget = new DispatchBudget(100, 10_000);
        List<Integer> resumesSeenByReads = new ArrayList<>();
        PollerListener listener = new Adapter() {

            @Override
            void event(ConnectionInfo connection, int value) {
                if (value >= 0) {
                    resumesSeenByReads.add(OrderedDispatcherTests.this.flow.resumes.size());
                }
            }

        };
        // Read buffer 10: the low-water mark is half the bound, 50.
        OrderedDispatcher dispatcher = dispatcher(listener, this.manual, budget, 10);
        ConnectionInfo connection = info(1);
        dispatcher.opened(connection);
        dispatcher.read(connection, bytes(40));
        dispatcher.read(connection, bytes(40));
        assertThat(this.flow.suspends).isEmpty();
        dispatcher.read(connection, bytes(30));
        assertThat(this.flow.suspends).containsExactly(1L);
        assertThat(budget.suspendedConnections()).isEqualTo(1);
        assertThat(budget.bytesInFlight()).isEqualTo(110);
        this.manual.runAll();
        // 110 -> 70 after the first read (above 50), 30 after the second: resumed before the third.
        assertThat(resumesSeenByReads).containsExactly(0, 0, 1);
        assertThat(this.flow.resumes).containsExactly(1L);
        assertThat(budget.suspendedConnections()).isZero();
        assertThat(budget.suspensions()).isEqualTo(1);
        assertThat(budget.bytesInFlight()).isZero();
    }

    // The poller may read once more between a resume being asked and being applied; it must
    // suspend again even though, for the dispatcher, the connection is already suspended.
    @Test
    void framesFramingErrorsAndPartialFramesRunInOrderOnTheLaneAndTheirBytesCount() {
        List<String> seen = new ArrayList<>();
        PollerListener listener = new Adapter() {

            @Override
            public boolean wantsFrames() {
                return true;
            }

            @Override
            public void frame(ConnectionInfo connection, byte[] frame) {
                seen.add("frame " + new String(frame, StandardCharsets.US_ASCII));
            }

            @Override
            public void frameError(ConnectionInfo connection, FrameError error, long offset) {
                seen.add("error " + error + "@" + offset);
            }

            @Override
            public void partialFrame(ConnectionInfo connection, byte[] partial, long offset) {
                seen.add("partial " + new String(partial, StandardCharsets.US_ASCII) + "@" + offset);
            }

            @Override
            public void closed(ConnectionInfo connection, CloseReason reason, String error) {
                seen.add("closed " + reason);
            }

        };
        DispatchBudget budget = new DispatchBudget(100, 10_000);
        OrderedDispatcher dispatcher = dispatcher(listener, this.manual, budget, 10);
        assertThat(dispatcher.wantsFrames()).isTrue();
        ConnectionInfo connection = info(1);
        dispatcher.frame(connection, "one".getBytes(StandardCharsets.US_ASCII));
        dispatcher.partialFrame(connection, "tw".getBytes(StandardCharsets.US_ASCII), 4);
        dispatcher.frameError(connection, FrameError.FRAME_TOO_LONG, 4);
        dispatcher.closed(connection, CloseReason.FRAME_TOO_LONG, "FRAME_TOO_LONG");
        assertThat(budget.bytesInFlight()).isEqualTo(5);
        this.manual.runAll();
        assertThat(seen).containsExactly("frame one", "partial tw@4", "error FRAME_TOO_LONG@4", "closed FRAME_TOO_LONG");
        assertThat(budget.bytesInFlight()).isZero();
    }

    @Test
    void rejectionsAreForwardedOnTheExecutorAndAThrowingListenerIsCounted() {
        List<String> rejections = new ArrayList<>();
        PollerListener listener = new Adapter() {

            @Override
            public void rejected(String listenerName, InetSocketAddress remoteAddress, RejectReason reason) {
                rejections.add(listenerName + " " + remoteAddress.getPort() + " " + reason);
                throw new IllegalStateException("listener failure");
            }

        };
        DispatchBudget budget = new DispatchBudget(100, 10_000);
        OrderedDispatcher dispatcher = dispatcher(listener, this.manual, budget, 10);
        dispatcher.rejected("test", new InetSocketAddress("127.0.0.1", 40001), RejectReason.MAX_CONNECTIONS);
        assertThat(rejections).isEmpty();
        this.manual.runAll();
        assertThat(rejections).containsExactly("test 40001 MAX_CONNECTIONS");
        assertThat(budget.listenerFailures()).isEqualTo(1);
    }

    @Test
    void aRejectionRefusedByTheExecutorRunsOnTheCallingThread() {
        List<RejectReason> rejections = new ArrayList<>();
        PollerListener listener = new Adapter() {

            @Override
            public void rejected(String listenerName, InetSocketAddress remoteAddress, RejectReason reason) {
                rejections.add(reason);
            }

        };
        OrderedDispatcher dispatcher = dispatcher(listener, (task) -> {
            throw new RejectedExecutionException("shut down");
        }, new DispatchBudget(100, 10_000), 10);
        dispatcher.rejected("test", new InetSocketAddress("127.0.0.1", 40001), RejectReason.MAX_CONNECTIONS_PER_ADDRESS);
        assertThat(rejections).containsExactly(RejectReason.MAX_CONNECTIONS_PER_ADDRESS);
    }

    @Test
    void everyReadOverTheBoundSuspendsAgain() {
        OrderedDispatcher dispatcher = dispatcher(new Adapter(), this.manual, new DispatchBudget(100, 10_000), 10);
        ConnectionInfo connection = info(1);
        dispatcher.read(connection, bytes(101));
        dispatcher.read(connection, bytes(10));
        assertThat(this.flow.suspends).containsExactly(1L, 1L);
    }

    @Test
    void theLowWaterMarkLeavesRoomForOneMoreReadBuffer() {
        // Bound 100, read buffer 80: resume only at 20 or less, so one more read stays within 100.
        OrderedDispatcher dispatcher = dispatcher(new Adapter(), this.manual, new DispatchBudget(100, 10_000), 80);
        ConnectionInfo connection = info(1);
        dispatcher.read(connection, bytes(80));
        dispatcher.read(connection, bytes(21));
        dispatcher.read(connection, bytes(5));
        assertThat(this.flow.suspends).containsExactly(1L, 1L);
        this.manual.runOne();
        assertThat(this.flow.resumes).containsExactly(1L);
    }

    @Test
    void theTotalBoundSuspendsEveryReaderAndResumesThemAllOnceHalfDrained() {
        DispatchBudget budget = new DispatchBudget(100, 100);
        OrderedDispatcher dispatcher = dispatcher(new Adapter(), this.manual, budget, 10);
        ConnectionInfo a = info(1);
        ConnectionInfo b = info(2);
        ConnectionInfo c = info(3);
        dispatcher.read(a, bytes(40));
        dispatcher.read(b, bytes(40));
        assertThat(this.flow.suspends).isEmpty();
        dispatcher.read(c, bytes(30));
        assertThat(this.flow.suspends).containsExactly(3L);
        // While the total is over its bound, every connection that reads stops, though each is
        // far below its own bound.
        dispatcher.read(a, bytes(5));
        dispatcher.read(b, bytes(5));
        assertThat(this.flow.suspends).containsExactly(3L, 1L, 2L);
        assertThat(budget.suspendedConnections()).isEqualTo(3);
        this.manual.runOne();
        // a drained: the total (70) is still above half the bound, so nobody resumes yet.
        assertThat(this.flow.resumes).isEmpty();
        this.manual.runOne();
        // b drained too: total 30 <= 50, and all three resume, c with its bytes still queued.
        assertThat(this.flow.resumes).containsExactlyInAnyOrder(1L, 2L, 3L);
        assertThat(budget.suspendedConnections()).isZero();
        this.manual.runAll();
        assertThat(this.flow.resumes).hasSize(3);
        assertThat(budget.bytesInFlight()).isZero();
    }

    @Test
    void closedRunsLastAndItsConnectionIsForgotten() {
        DispatchBudget budget = new DispatchBudget(10, 100);
        List<String> events = new ArrayList<>();
        PollerListener listener = new Adapter() {

            @Override
            void event(ConnectionInfo connection, int value) {
                events.add(String.valueOf(value));
            }

        };
        OrderedDispatcher dispatcher = dispatcher(listener, this.manual, budget, 4);
        ConnectionInfo connection = info(1);
        dispatcher.opened(connection);
        dispatcher.read(connection, Adapter.encode(1));
        dispatcher.read(connection, Adapter.encode(2));
        dispatcher.read(connection, Adapter.encode(3));
        dispatcher.peerClosed(connection);
        dispatcher.closed(connection, CloseReason.PEER_CLOSED, null);
        assertThat(this.flow.suspends).containsExactly(1L);
        assertThat(dispatcher.connections()).isEqualTo(1);
        this.manual.runAll();
        assertThat(events).containsExactly("-1", "1", "2", "3", "-2", String.valueOf(Integer.MAX_VALUE));
        // Closed before it drained: no resume for a connection that is gone, and no state left.
        assertThat(this.flow.resumes).isEmpty();
        assertThat(dispatcher.connections()).isZero();
        assertThat(budget.suspendedConnections()).isZero();
        assertThat(budget.bytesInFlight()).isZero();
    }

    @Test
    void aThrowingListenerIsCountedAndItsConnectionGoesOn() {
        DispatchBudget budget = new DispatchBudget(100, 1000);
        List<Integer> values = new ArrayList<>();
        PollerListener listener = new Adapter() {

            @Override
            void event(ConnectionInfo connection, int value) {
                if (value == 2) {
                    throw new IllegalStateException("listener failure injected by the test");
                }
                values.add(value);
            }

        };
        OrderedDispatcher dispatcher = dispatcher(listener, this.manual, budget, 4);
        ConnectionInfo connection = info(1);
        for (int i = 1; i <= 3; i++) {
            dispatcher.read(connection, Adapter.encode(i));
        }
        dispatcher.closed(connection, CloseReason.RESET, "ECONNRESET");
        this.manual.runAll();
        assertThat(values).containsExactly(1, 3, Integer.MAX_VALUE);
        assertThat(budget.listenerFailures()).isEqualTo(1);
        assertThat(budget.bytesInFlight()).isZero();
    }

    @Test
    void aRejectingExecutorRunsEventsOnTheCallingThreadInOrder() {
        List<String> calls = new ArrayList<>();
        PollerListener listener = new Adapter() {

            @Override
            void event(ConnectionInfo connection, int value) {
                calls.add(Thread.currentThread().getName() + ":" + value);
            }

        };
        Executor rejecting = (task) -> {
            throw new RejectedExecutionException("shut down");
        };
        OrderedDispatcher dispatcher = dispatcher(listener, rejecting, new DispatchBudget(100, 1000), 4);
        ConnectionInfo connection = info(1);
        dispatcher.opened(connection);
        dispatcher.read(connection, Adapter.encode(5));
        dispatcher.closed(connection, CloseReason.SHUTDOWN, null);
        String self = Thread.currentThread().getName();
        assertThat(calls).containsExactly(self + ":-1", self + ":5", self + ":" + Integer.MAX_VALUE);
        assertThat(dispatcher.connections()).isZero();
    }

    /**
     * A poller loop on this thread with the semantics of {@link Poller}: at most one read per
     * connection per iteration, suspend applied at once, resumes queued and applied at the start
     * of the next iteration, and a blocking wait when no connection may read. Listeners on four
     * workers are slow at random. A resume that is never asked leaves the loop waiting in vain;
     * every byte is checked in order, and the bytes in flight per connection against the bound.
     */
    @Test
    void aSimulatedPollerNeverStallsAndStaysWithinTheBounds() throws Exception {
        this.pool = Executors.newFixedThreadPool(4);
        int connections = 16;
        int perConnection = 512 * 1024;
        int readBuffer = 4096;
        long bound = 32 * 1024;
        DispatchBudget budget = new DispatchBudget(bound, 4 * bound);
        AtomicLongArray consumed = new AtomicLongArray(connections + 1);
        AtomicLong mismatches = new AtomicLong();
        CountDownLatch closed = new CountDownLatch(connections);
        PollerListener listener = new PollerListener() {

            @Override
            public void opened(ConnectionInfo connection) {
            }

            @Override
            public void read(ConnectionInfo connection, byte[] data) {
                int id = (int) connection.id();
                long offset = consumed.get(id);
                for (int i = 0; i < data.length; i++) {
                    if (data[i] != pattern(id, offset + i)) {
                        mismatches.incrementAndGet();
                        break;
                    }
                }
                if ((offset & 0x7000) == 0) {
                    Thread.yield();
                }
                consumed.set(id, offset + data.length);
            }

            @Override
            public void peerClosed(ConnectionInfo connection) {
            }

            @Override
            public void closed(ConnectionInfo connection, CloseReason reason, String error) {
                closed.countDown();
            }

        };
        LinkedBlockingQueue<Long> resumeCommands = new LinkedBlockingQueue<>();
        Set<Long> suspended = new HashSet<>();
        Thread loop = Thread.currentThread();
        ReadFlowControl simulated = new ReadFlowControl() {

            @Override
            public void suspendReads(long id) {
                assertThat(Thread.currentThread()).isSameAs(loop);
                suspended.add(id);
            }

            @Override
            public void resumeReads(long id) {
                resumeCommands.add(id);
            }

        };
        OrderedDispatcher dispatcher = new OrderedDispatcher(listener, this.pool, budget, readBuffer);
        dispatcher.attached(simulated);
        List<ConnectionInfo> infos = new ArrayList<>();
        long[] sent = new long[connections + 1];
        long[] delivered = new long[connections + 1];
        for (int c = 1; c <= connections; c++) {
            infos.add(info(c));
            dispatcher.opened(infos.get(c - 1));
        }
        SplittableRandom random = new SplittableRandom(1815);
        long maxInFlight = 0;
        int finished = 0;
        while (finished < connections) {
            Long resumed;
            while ((resumed = resumeCommands.poll()) != null) {
                suspended.remove(resumed);
            }
            boolean progressed = false;
            for (ConnectionInfo info : infos) {
                int id = (int) info.id();
                if (suspended.contains(info.id()) || sent[id] == perConnection) {
                    continue;
                }
                int n = (int) Math.min(perConnection - sent[id], 1 + random.nextInt(readBuffer));
                byte[] data = new byte[n];
                for (int i = 0; i < n; i++) {
                    data[i] = pattern(id, sent[id] + i);
                }
                sent[id] += n;
                delivered[id] += n;
                dispatcher.read(info, data);
                // The listener counts a read as consumed before the dispatcher releases it, so
                // this never over-states what the dispatcher holds.
                maxInFlight = Math.max(maxInFlight, delivered[id] - consumed.get(id));
                if (sent[id] == perConnection) {
                    dispatcher.peerClosed(info);
                    dispatcher.closed(info, CloseReason.PEER_CLOSED, null);
                    finished++;
                }
                progressed = true;
            }
            if (!progressed && finished < connections) {
                Long first = resumeCommands.poll(10, TimeUnit.SECONDS);
                assertThat(first).as("a resume while every open connection is suspended (lost wake-up?)").isNotNull();
                suspended.remove(first);
            }
        }
        assertThat(closed.await(30, TimeUnit.SECONDS)).isTrue();
        quiesce();
        assertThat(mismatches).hasValue(0);
        for (int c = 1; c <= connections; c++) {
            assertThat(consumed.get(c)).isEqualTo(perConnection);
        }
        assertThat(maxInFlight).isLessThanOrEqualTo(bound + readBuffer);
        assertThat(budget.suspensions()).isPositive();
        assertThat(budget.bytesInFlight()).isZero();
        assertThat(budget.suspendedConnections()).isZero();
        assertThat(dispatcher.connections()).isZero();
    }

    @Test
    void aBorrowedDataReceiverIsLentTheQueuedCopyOnItsWorker() {
        List<String> seen = new ArrayList<>();
        PollerListener listener = new PollerListener() {

            @Override
            public boolean wantsData() {
                return false;
            }

            @Override
            public boolean wantsBorrowedData() {
                return true;
            }

            @Override
            public void readBorrowed(ConnectionInfo connection, ByteBuffer data) {
                byte[] bytes = new byte[data.remaining()];
                data.get(bytes);
                seen.add((data.isReadOnly() ? "read-only " : "writable ") + new String(bytes, StandardCharsets.US_ASCII));
            }

            @Override
            public void read(ConnectionInfo connection, byte[] data) {
                seen.add("copy");
            }

            @Override
            public void opened(ConnectionInfo connection) {
            }

            @Override
            public void peerClosed(ConnectionInfo connection) {
            }

            @Override
            public void closed(ConnectionInfo connection, CloseReason reason, String error) {
            }

        };
        OrderedDispatcher dispatcher = dispatcher(listener, this.manual, new DispatchBudget(1 << 20, 1 << 20), 4096);
        // The poller must copy for it: its own buffer is reused before the worker runs.
        assertThat(dispatcher.wantsData()).isTrue();
        assertThat(dispatcher.wantsBorrowedData()).isFalse();
        dispatcher.opened(info(1));
        dispatcher.read(info(1), "abc".getBytes(StandardCharsets.US_ASCII));
        this.manual.runAll();
        assertThat(seen).containsExactly("read-only abc");
    }

    /** The closed callback runs before the lane forgets its state; wait for the workers to end. */
    private void quiesce() throws InterruptedException {
        this.pool.shutdown();
        assertThat(this.pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static byte pattern(int id, long offset) {
        return (byte) (offset * 31 + id);
    }

    private OrderedDispatcher dispatcher(PollerListener listener, Executor executor, DispatchBudget budget,
            int readBufferSize) {
        OrderedDispatcher dispatcher = new OrderedDispatcher(listener, executor, budget, readBufferSize);
        dispatcher.attached(this.flow);
        return dispatcher;
    }

    private static ConnectionInfo info(long id) {
        return new ConnectionInfo(id, "test", new InetSocketAddress("127.0.0.1", 40000 + (int) id),
                new InetSocketAddress("127.0.0.1", 1815), Instant.EPOCH);
    }

    private static byte[] bytes(int n) {
        return new byte[n];
    }

    /** Records calls; the test thread is the poller thread. */
    static final class FlowControl implements ReadFlowControl {

        final List<Long> suspends = new CopyOnWriteArrayList<>();

        final List<Long> resumes = new CopyOnWriteArrayList<>();

        @Override
        public void suspendReads(long id) {
            this.suspends.add(id);
        }

        @Override
        public void resumeReads(long id) {
            this.resumes.add(id);
        }

    }

    /** Runs submitted tasks only when told, on the test thread. */
    static final class ManualExecutor implements Executor {

        private final Queue<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            this.tasks.add(task);
        }

        void runOne() {
            this.tasks.remove().run();
        }

        void runAll() {
            while (!this.tasks.isEmpty()) {
                runOne();
            }
        }

    }

    /**
     * Reduces every callback to one int: the 4-byte value of a read, {@link #OPENED},
     * {@link #PEER_CLOSED}, or {@link Integer#MAX_VALUE} for closed.
     */
    static class Adapter implements PollerListener {

        static final int OPENED = -1;

        static final int PEER_CLOSED = -2;

        static byte[] encode(int value) {
            return new byte[] { (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value };
        }

        void event(ConnectionInfo connection, int value) throws InterruptedException {
        }

        private void deliver(ConnectionInfo connection, int value) {
            try {
                event(connection, value);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void opened(ConnectionInfo connection) {
            deliver(connection, OPENED);
        }

        @Override
        public void read(ConnectionInfo connection, byte[] data) {
            int value = (data.length == 4) ? ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16)
                    | ((data[2] & 0xff) << 8) | (data[3] & 0xff) : data.length;
            deliver(connection, value);
        }

        @Override
        public void peerClosed(ConnectionInfo connection) {
            deliver(connection, PEER_CLOSED);
        }

        @Override
        public void closed(ConnectionInfo connection, CloseReason reason, String error) {
            deliver(connection, Integer.MAX_VALUE);
        }

    }

}
