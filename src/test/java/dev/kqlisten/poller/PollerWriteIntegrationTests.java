package dev.kqlisten.poller;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.ConnectionWriter;
import dev.kqlisten.connection.WriteResult;
import dev.kqlisten.framing.Framing;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.Multiplexers;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.TestBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write side of the loop over the real backends (epoll, and kqueue through the test library
 * in every layout): replies, back-pressure, the queue bound, graceful and abrupt close,
 * half-close both ways. Real sockets on loopback; every wait is on an event with a timeout.
 */
@Tag("kqueue")
@Timeout(120)
class PollerWriteIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final WriteSettings SMALL = new WriteSettings(16 * 1024, 64 * 1024, 1024 * 1024, false);

    @BackendTest
    void anEchoOfTwoMegabytesComesBackByteExactWhileTheClientReadsSlowly(TestBackend backend) throws Exception {
        Handler handler = new Handler();
        handler.onRead = (info, data) -> info.writer().write(data);
        try (Running server = Running.start(backend, Framing.RAW, SMALL, handler)) {
            byte[] sent = random(2 * 1024 * 1024, 11);
            try (Socket client = server.connect()) {
                CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                    try {
                        client.getOutputStream().write(sent);
                        client.shutdownOutput();
                    }
                    catch (Exception ex) {
                        throw new IllegalStateException(ex);
                    }
                });
                ByteArrayOutputStream received = new ByteArrayOutputStream();
                byte[] chunk = new byte[4096];
                InputStream in = client.getInputStream();
                int n;
                while ((n = in.read(chunk)) > 0) {
                    received.write(chunk, 0, n);
                }
                writer.get(60, TimeUnit.SECONDS);
                assertThat(Arrays.equals(received.toByteArray(), sent)).as("echo is byte-exact").isTrue();
            }
            handler.await("closed:PEER_CLOSED");
            PollerStats stats = server.poller().stats();
            assertThat(stats.bytesWritten()).isEqualTo(sent.length);
            assertThat(stats.writeQueueBytes()).isZero();
        }
    }

    @BackendTest
    void repliesToTheMessagesOfOneReadGoOutInOneWrite(TestBackend backend) throws Exception {
        Handler handler = new Handler();
        handler.onFrame = (info, frame) -> info.writer().write(("ok " + new String(frame, StandardCharsets.US_ASCII)
                + "\n").getBytes(StandardCharsets.US_ASCII));
        try (Running server = Running.start(backend, Framing.lines(1024), SMALL, handler)) {
            StringBuilder lines = new StringBuilder();
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 500; i++) {
                lines.append("line ").append(i).append('\n');
                expected.append("ok line ").append(i).append('\n');
            }
            byte[] request = lines.toString().getBytes(StandardCharsets.US_ASCII);
            try (Socket client = server.connect()) {
                client.getOutputStream().write(request);
                byte[] reply = client.getInputStream().readNBytes(expected.length());
                assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
            }
            PollerStats stats = server.poller().stats();
            // 500 replies; one write per read that produced some (a 4 KB request takes a few reads).
            assertThat(stats.writes()).isLessThanOrEqualTo(stats.reads());
            assertThat(stats.writes()).isLessThan(50);
        }
    }

    /**
     * An application that ignores back-pressure writes 64 KB at a time to a client that reads
     * nothing: the connection is closed with WRITE_QUEUE_FULL at its 1 MB bound, what was
     * queued never passes the bound, and the heap does not grow with what the application tried
     * to write (512 MB).
     */
    @BackendTest
    void aClientThatReadsNothingIsClosedAtItsBoundAndTheHeapStaysFlat(TestBackend backend) throws Exception {
        Handler handler = new Handler();
        try (Running server = Running.start(backend, Framing.RAW, SMALL, handler);
                Socket client = server.connect()) {
            client.setReceiveBufferSize(64 * 1024);
            ConnectionInfo info = handler.opened.poll(60, TimeUnit.SECONDS);
            assertThat(info).isNotNull();
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            long accepted = 0;
            long attempted = 0;
            long maxPending = 0;
            WriteResult result = WriteResult.QUEUED;
            int slowDowns = 0;
            while (attempted < 512L * 1024 * 1024) {
                result = info.writer().write(new byte[64 * 1024]);
                attempted += 64 * 1024;
                maxPending = Math.max(maxPending, info.writer().pendingWriteBytes());
                if (!result.isQueued()) {
                    break;
                }
                accepted += 64 * 1024;
                if (result == WriteResult.QUEUED_SLOW_DOWN) {
                    slowDowns++;
                }
            }
            assertThat(result).isEqualTo(WriteResult.OVERFLOW);
            assertThat(slowDowns).as("told to slow down before the bound").isPositive();
            handler.await("closed:WRITE_QUEUE_FULL");
            assertThat(maxPending).isLessThanOrEqualTo(SMALL.queueLimit());
            // The kernel's buffers took some; the queue took at most its limit.
            assertThat(accepted).isLessThanOrEqualTo(SMALL.queueLimit() + server.poller().stats().bytesWritten());
            assertThat(info.writer().write(new byte[1])).isEqualTo(WriteResult.CLOSED);
            System.gc();
            long heapAfter = memory.getHeapMemoryUsage().getUsed();
            System.out.printf("[%s] accepted %d of %d attempted bytes; heap %d -> %d%n", backend, accepted, attempted,
                    heapBefore, heapAfter);
            assertThat(heapAfter - heapBefore).as("heap growth").isLessThan(32L * 1024 * 1024);
            assertThat(server.poller().stats().closed(CloseReason.WRITE_QUEUE_FULL)).isEqualTo(1);
            assertThat(server.poller().stats().writeQueueBytes()).isZero();
        }
    }

    @BackendTest
    void writabilityTurnsOffAboveTheHighMarkAndOnAgainWhenTheClientCatchesUp(TestBackend backend) throws Exception {
        Handler handler = new Handler();
        try (Running server = Running.start(backend, Framing.RAW, SMALL, handler);
                Socket client = server.connect()) {
            ConnectionInfo info = handler.opened.poll(60, TimeUnit.SECONDS);
            SplittableRandom random = new SplittableRandom(5);
            ByteArrayOutputStream sent = new ByteArrayOutputStream();
            // Until the loop reports the queue above the high mark (the kernel's buffers fill
            // first); bounded by the queue limit, which the writes never reach.
            Boolean reported = null;
            while (reported == null) {
                byte[] chunk = new byte[16 * 1024];
                random.nextBytes(chunk);
                sent.write(chunk);
                WriteResult result = info.writer().write(chunk);
                assertThat(result.isQueued()).isTrue();
                if (result == WriteResult.QUEUED_SLOW_DOWN) {
                    reported = handler.writability.poll(100, TimeUnit.MILLISECONDS);
                }
            }
            assertThat(reported).isFalse();
            byte[] received = client.getInputStream().readNBytes(sent.size());
            assertThat(Arrays.equals(received, sent.toByteArray())).isTrue();
            // The kernel's buffers may still have grown while the client read nothing, so the
            // connection may have flipped back and forth: the reports alternate, and the last
            // one, once everything is read, is "writable".
            List<Boolean> reports = new ArrayList<>(List.of(false));
            while (!info.writer().isWritable() || reports.size() % 2 == 1) {
                Boolean next = handler.writability.poll(60, TimeUnit.SECONDS);
                assertThat(next).as("report %d", reports.size()).isEqualTo(reports.size() % 2 == 1);
                reports.add(next);
            }
            assertThat(server.poller().stats().writabilityChanges()).isEqualTo(reports.size());
        }
    }

    @BackendTest
    void aGracefulCloseWritesEverythingQueuedFirst(TestBackend backend) throws Exception {
        Handler handler = new Handler();
        byte[] payload = random(3 * 1024 * 1024, 3);
        handler.onRead = (info, data) -> {
            info.writer().write(payload.clone());
            info.writer().close();
            // Refused after close.
            assertThat(info.writer().write(new byte[1])).isEqualTo(WriteResult.CLOSED);
        };
        WriteSettings roomy = new WriteSettings(16 * 1024, 64 * 1024, 8 * 1024 * 1024, false);
        try (Running server = Running.start(backend, Framing.RAW, roomy, handler);
                Socket client = server.connect()) {
            client.getOutputStream().write('?');
            byte[] received = client.getInputStream().readAllBytes();
            assertThat(Arrays.equals(received, payload)).isTrue();
            handler.await("closed:APPLICATION");
        }
    }

    @BackendTest
    void anAbortClosesAtOnceAndDropsTheQueue(TestBackend backend) throws Exception {
        Handler handler = new Handler();
        handler.onRead = (info, data) -> {
            info.writer().write(new byte[100]);
            info.writer().abort();
        };
        try (Running server = Running.start(backend, Framing.RAW, SMALL, handler);
                Socket client = server.connect()) {
            client.getOutputStream().write("two reads".getBytes(StandardCharsets.US_ASCII));
            handler.await("closed:APPLICATION");
            try {
                assertThat(client.getInputStream().read()).isEqualTo(-1);
            }
            catch (SocketException reset) {
                // Closing with unread input may reset instead; either way nothing was written.
            }
            assertThat(server.poller().stats().bytesWritten()).isZero();
            assertThat(handler.reads).isEqualTo(1);
        }
    }

    @BackendTest
    void afterShutdownOutputThePeerReadsEndOfStreamAndMayStillSend(TestBackend backend) throws Exception {
        Handler handler = new Handler();
        handler.onOpened = (info) -> {
            info.writer().write("bye\n".getBytes(StandardCharsets.US_ASCII));
            info.writer().shutdownOutput();
        };
        try (Running server = Running.start(backend, Framing.RAW, SMALL, handler);
                Socket client = server.connect()) {
            assertThat(client.getInputStream().readAllBytes()).isEqualTo("bye\n".getBytes(StandardCharsets.US_ASCII));
            client.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            handler.await("closed:PEER_CLOSED");
            assertThat(handler.bytesRead()).isEqualTo("still here".length());
        }
    }

    /** Without half-close, a reply made in the peer-closed callback still goes out before the close. */
    @BackendTest
    void aReplyToTheEndOfStreamIsWrittenBeforeTheClose(TestBackend backend) throws Exception {
        Handler handler = new Handler();
        handler.onPeerClosed = (info) -> info.writer().write(("got " + handlerBytes(info) + "\n").getBytes());
        try (Running server = Running.start(backend, Framing.RAW, SMALL, handler);
                Socket client = server.connect()) {
            client.getOutputStream().write("request".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                .isEqualTo("got 7\n");
            handler.await("closed:PEER_CLOSED");
        }
    }

    private static long handlerBytes(ConnectionInfo info) {
        return Handler.current.bytesRead();
    }

    /** With half-close, the connection stays open after the peer's EOF until the application closes it. */
    @BackendTest
    void withHalfCloseTheApplicationWritesAfterTheEndOfStreamFromAnotherThread(TestBackend backend) throws Exception {
        Handler handler = new Handler();
        CountDownLatch eof = new CountDownLatch(1);
        handler.onPeerClosed = (info) -> eof.countDown();
        WriteSettings halfClose = new WriteSettings(16 * 1024, 64 * 1024, 1024 * 1024, true);
        try (Running server = Running.start(backend, Framing.RAW, halfClose, handler);
                Socket client = server.connect()) {
            ConnectionInfo info = handler.opened.poll(60, TimeUnit.SECONDS);
            client.getOutputStream().write("question".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertThat(eof.await(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.poller().writer(info.id())).as("still open after the EOF").isSameAs(info.writer());
            byte[] answer = random(500_000, 9);
            Thread late = new Thread(() -> {
                for (int i = 0; i < answer.length; i += 50_000) {
                    info.writer().write(Arrays.copyOfRange(answer, i, i + 50_000));
                }
                info.writer().close();
            });
            late.start();
            assertThat(Arrays.equals(client.getInputStream().readAllBytes(), answer)).isTrue();
            late.join(60_000);
            handler.await("closed:APPLICATION");
        }
    }

    /** Writes from several threads keep each thread's order; the poller thread's own writes too. */
    @BackendTest
    void writesFromManyThreadsKeepEachThreadsOrder(TestBackend backend) throws Exception {
        Handler handler = new Handler();
        try (Running server = Running.start(backend, Framing.RAW,
                new WriteSettings(16 * 1024, 64 * 1024, 64 * 1024 * 1024, false), handler);
                Socket client = server.connect()) {
            ConnectionInfo info = handler.opened.poll(60, TimeUnit.SECONDS);
            int threads = 4;
            int perThread = 5_000;
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                writers.add(new Thread(() -> {
                    for (int i = 0; i < perThread; i++) {
                        ByteBuffer record = ByteBuffer.allocate(8).putInt(id).putInt(i);
                        assertThat(info.writer().write(record.array()).isQueued()).isTrue();
                    }
                }));
            }
            writers.forEach(Thread::start);
            ByteBuffer all = ByteBuffer.wrap(client.getInputStream().readNBytes(threads * perThread * 8));
            int[] next = new int[threads];
            while (all.hasRemaining()) {
                int id = all.getInt();
                assertThat(all.getInt()).as("sequence of writer %d", id).isEqualTo(next[id]++);
            }
            assertThat(next).containsOnly(perThread);
            for (Thread writer : writers) {
                writer.join(60_000);
            }
        }
    }

    /** A peer that resets while its queue is blocked ends the connection with an error reason, once. */
    @BackendTest
    void aResetWhileWritingClosesWithAnError(TestBackend backend) throws Exception {
        Handler handler = new Handler();
        WriteSettings roomy = new WriteSettings(16 * 1024, 64 * 1024, 64 * 1024 * 1024, false);
        try (Running server = Running.start(backend, Framing.RAW, roomy, handler)) {
            Socket client = server.connect();
            client.setReceiveBufferSize(16 * 1024);
            ConnectionInfo info = handler.opened.poll(60, TimeUnit.SECONDS);
            // More than the kernel's buffers hold, so the queue is blocked on write interest.
            for (int i = 0; i < 256; i++) {
                assertThat(info.writer().write(new byte[64 * 1024]).isQueued()).isTrue();
            }
            client.setSoLinger(true, 0);
            client.close();
            String end = handler.ends.poll(60, TimeUnit.SECONDS);
            System.out.printf("[%s] %s%n", backend, end);
            assertThat(end).isIn("closed:RESET:ECONNRESET", "closed:ERROR:EPIPE");
            assertThat(handler.ends.poll(200, TimeUnit.MILLISECONDS)).as("closed once").isNull();
            assertThat(server.poller().stats().writeQueueBytes()).isZero();
            assertThat(server.poller().writer(info.id())).isNull();
        }
    }

    @BackendTest
    void aWriterOutlivesItsConnectionHarmlessly(TestBackend backend) throws Exception {
        Handler handler = new Handler();
        try (Running server = Running.start(backend, Framing.RAW, SMALL, handler)) {
            ConnectionInfo info;
            try (Socket client = server.connect()) {
                info = handler.opened.poll(60, TimeUnit.SECONDS);
            }
            handler.await("closed:PEER_CLOSED");
            assertThat(info.writer().write(new byte[10])).isEqualTo(WriteResult.CLOSED);
            assertThat(info.writer().isWritable()).isFalse();
            info.writer().close();
            info.writer().abort();
            assertThat(server.poller().writer(info.id())).isNull();
        }
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /** A poller listener whose callbacks the test sets, recording what happened. */
    static final class Handler implements PollerListener {

        static volatile Handler current;

        final BlockingQueue<ConnectionInfo> opened = new LinkedBlockingQueue<>();

        final BlockingQueue<String> ends = new LinkedBlockingQueue<>();

        final BlockingQueue<Boolean> writability = new LinkedBlockingQueue<>();

        volatile Consumer<ConnectionInfo> onOpened = (info) -> {
        };

        volatile BiConsumer<ConnectionInfo, byte[]> onRead = (info, data) -> {
        };

        volatile BiConsumer<ConnectionInfo, byte[]> onFrame = (info, frame) -> {
        };

        volatile Consumer<ConnectionInfo> onPeerClosed = (info) -> {
        };

        volatile long bytes;

        volatile int reads;

        Handler() {
            current = this;
        }

        long bytesRead() {
            return this.bytes;
        }

        void await(String end) throws InterruptedException {
            assertThat(this.ends.poll(60, TimeUnit.SECONDS)).isEqualTo(end);
        }

        @Override
        public void opened(ConnectionInfo connection) {
            this.onOpened.accept(connection);
            this.opened.add(connection);
        }

        @Override
        public void read(ConnectionInfo connection, byte[] data) {
            this.bytes += data.length;
            this.reads++;
            this.onRead.accept(connection, data);
        }

        @Override
        public boolean wantsFrames() {
            return true;
        }

        @Override
        public void frame(ConnectionInfo connection, byte[] frame) {
            this.onFrame.accept(connection, frame);
        }

        @Override
        public void writabilityChanged(ConnectionInfo connection, boolean writable) {
            this.writability.add(writable);
        }

        @Override
        public void peerClosed(ConnectionInfo connection) {
            this.onPeerClosed.accept(connection);
        }

        @Override
        public void closed(ConnectionInfo connection, CloseReason reason, String error) {
            this.ends.add("closed:" + reason + ((error != null) ? ":" + error : ""));
        }

    }

    /** A poller on its own thread, stopped by close(). */
    record Running(Poller poller, Thread thread) implements AutoCloseable {

        static Running start(TestBackend backend, Framing framing, WriteSettings writes, PollerListener listener)
                throws Exception {
            backend.assumeAvailable();
            ListenSpec spec = new ListenSpec(InetAddress.getLoopbackAddress(), 0, 0, true, false, false);
            PollerConfig config = new PollerConfig("it", spec, 64 * 1024, PollerLimits.NONE,
                    DescriptorBudget.unlimited(), framing, writes);
            Poller poller = Poller.open(config, Multiplexers.open(backend.options(256, 64 * 1024)), 256, listener);
            Thread thread = new Thread(poller, "kqlisten-poller-it");
            thread.start();
            return new Running(poller, thread);
        }

        Socket connect() throws Exception {
            return new Socket(this.poller.localAddress().getAddress(), this.poller.localAddress().getPort());
        }

        @Override
        public void close() throws InterruptedException {
            this.poller.shutdown();
            this.thread.join(WAIT.toMillis());
            assertThat(this.thread.isAlive()).as("poller thread stopped").isFalse();
        }

    }

}
