package dev.kqlisten.poller;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.Multiplexer;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.NativeTransport;
import dev.kqlisten.nativeio.ReadyEvents;
import dev.kqlisten.nativeio.Sockets;

/**
 * A scripted, in-memory {@link Multiplexer} and {@link Sockets}: tests queue ready-event batches,
 * pending connections and per-fd read results, then drive {@link Poller#runOnce(long)}.
 */
final class FakeTransport {

    static final int LISTEN_FD = 3;

    static final int ECONNRESET = 104;

    static final int EMFILE = 24;

    final Deque<long[][]> batches = new ArrayDeque<>();

    final Deque<Integer> pendingAccepts = new ArrayDeque<>();

    final Map<Integer, Deque<Object>> reads = new HashMap<>();

    final Map<Integer, Long> registered = new HashMap<>();

    final Set<Integer> openFds = new HashSet<>();

    final List<Integer> readSizes = new ArrayList<>();

    final List<Integer> forgotten = new ArrayList<>();

    final List<String> readableChanges = new ArrayList<>();

    int wakeups;

    boolean closed;

    RuntimeException awaitFailure;

    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

    private int lastErrno;

    final Multiplexer multiplexer = new Multiplexer() {

        @Override
        public String backend() {
            return "fake";
        }

        @Override
        public void register(int fd, long id) {
            FakeTransport.this.registered.put(fd, id);
        }

        @Override
        public void setReadable(int fd, long id, boolean enabled) {
            FakeTransport.this.readableChanges.add(fd + ":" + enabled);
        }

        @Override
        public void forget(int fd) {
            FakeTransport.this.forgotten.add(fd);
        }

        @Override
        public int await(ReadyEvents events, long timeoutNanos) throws NativeIoException {
            if (FakeTransport.this.awaitFailure != null) {
                RuntimeException failure = FakeTransport.this.awaitFailure;
                FakeTransport.this.awaitFailure = null;
                throw failure;
            }
            events.clear();
            long[][] batch = FakeTransport.this.batches.poll();
            if (batch != null) {
                for (long[] e : batch) {
                    events.add(e[0], (int) e[1], e[2], (int) e[3]);
                }
            }
            return events.size();
        }

        @Override
        public void wakeup() {
            FakeTransport.this.wakeups++;
        }

        @Override
        public void close() {
            FakeTransport.this.closed = true;
        }
    };

    final Sockets sockets = new Sockets() {

        @Override
        public int openListener(ListenSpec spec) {
            FakeTransport.this.openFds.add(LISTEN_FD);
            return LISTEN_FD;
        }

        @Override
        public InetSocketAddress localAddress(int fd) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 4242);
        }

        @Override
        public int accept(int listenFd) {
            Integer fd = FakeTransport.this.pendingAccepts.poll();
            if (fd == null) {
                return AGAIN;
            }
            if (fd == FAILED) {
                FakeTransport.this.lastErrno = EMFILE;
                return FAILED;
            }
            FakeTransport.this.openFds.add(fd);
            return fd;
        }

        @Override
        public InetSocketAddress acceptedPeer() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);
        }

        @Override
        public int read(int fd, int maxBytes) {
            FakeTransport.this.readSizes.add(maxBytes);
            Deque<Object> queue = FakeTransport.this.reads.get(fd);
            Object next = (queue != null) ? queue.poll() : null;
            if (next == null) {
                return AGAIN;
            }
            if (next instanceof Integer code) {
                if (code == FAILED) {
                    FakeTransport.this.lastErrno = ECONNRESET;
                }
                return code;
            }
            byte[] bytes = (byte[]) next;
            int n = Math.min(bytes.length, maxBytes);
            FakeTransport.this.buffer.put(0, bytes, 0, n);
            return n;
        }

        @Override
        public ByteBuffer readBuffer() {
            return FakeTransport.this.buffer;
        }

        @Override
        public int close(int fd) {
            FakeTransport.this.openFds.remove(fd);
            return 0;
        }

        @Override
        public int lastErrno() {
            return FakeTransport.this.lastErrno;
        }

        @Override
        public Errno errno(int errno) {
            return switch (errno) {
                case ECONNRESET -> Errno.ECONNRESET;
                case 110 -> Errno.ETIMEDOUT;
                case EMFILE -> Errno.EMFILE;
                default -> Errno.UNKNOWN;
            };
        }

        @Override
        public void close() {
        }
    };

    NativeTransport transport() {
        return new NativeTransport(this.multiplexer, this.sockets);
    }

    /** Queues one batch; each event is {id, flags, available, error}. */
    void batch(long[]... events) {
        this.batches.add(events);
    }

    /** Queues read results for {@code fd}: byte arrays, 0 (EOF), {@link Sockets#AGAIN} or {@link Sockets#FAILED}. */
    void reads(int fd, Object... results) {
        Deque<Object> queue = this.reads.computeIfAbsent(fd, (k) -> new ArrayDeque<>());
        for (Object result : results) {
            queue.add(result);
        }
    }

}
