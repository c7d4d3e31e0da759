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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.kqlisten.nativeio.AcceptedPeer;
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
 * <p>
 * For a poller on a thread of its own (a server's), {@link #blocking()} makes the wait block as
 * the kernel's does, and the test scripts the transport with {@link #onLoop(Consumer)}: a script
 * runs on the loop thread at its next wait, so only that thread touches the fields.
 */
public final class FakeTransport {

    static final int LISTEN_FD = 3;

    static final int ECONNRESET = 104;

    static final int EMFILE = 24;

    final Deque<long[][]> batches = new ArrayDeque<>();

    final Deque<Integer> pendingAccepts = new ArrayDeque<>();

    final Map<Integer, Deque<Object>> reads = new HashMap<>();

    final Map<Integer, Long> registered = new HashMap<>();

    final Set<Integer> openFds = new HashSet<>();

    final List<Integer> readSizes = new ArrayList<>();

    /** SO_ERROR per fd, taken (and cleared) by {@link Sockets#pendingError(int)}. */
    final Map<Integer, Integer> pendingErrors = new HashMap<>();

    final List<Integer> forgotten = new ArrayList<>();

    final List<String> readableChanges = new ArrayList<>();

    int wakeups;

    boolean closed;

    RuntimeException awaitFailure;

    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

    /** Every accepted peer is 127.0.0.1:50000. */
    private final AcceptedPeer.Decoder loopbackPeer = (sockaddr, length) -> new InetSocketAddress(
            InetAddress.getLoopbackAddress(), 50000);

    /** Where the poller asked to listen; loop-thread or opening thread. */
    ListenSpec listened;

    /** The port the "kernel" chooses for a listener asking for port 0. */
    int ephemeralPort = 4242;

    /** Thrown by {@code openListener}, as bind(2) or listen(2) would fail. */
    NativeIoException listenFailure;

    private boolean blocking;

    /** Scripts from test threads, run on the loop thread at the start of a wait; guarded by {@code this}. */
    private final Deque<Consumer<FakeTransport>> scripts = new ArrayDeque<>();

    /** Set by {@link Multiplexer#wakeup()} from any thread; guarded by {@code this}. */
    private boolean woken;

    /** The thread that waited last; a blocking transport's loop thread. */
    private volatile Thread loopThread;

    /** Makes the wait block until a script is queued, a batch is pending, a wake-up or the timeout. */
    public FakeTransport blocking() {
        this.blocking = true;
        return this;
    }

    /** Runs {@code script} on the loop thread at its next wait, and wakes it. */
    public synchronized void onLoop(Consumer<FakeTransport> script) {
        this.scripts.add(script);
        notifyAll();
    }

    /** The thread that waited last, or null while no poller loop has run. */
    public Thread loopThread() {
        return this.loopThread;
    }

    public boolean isClosed() {
        return this.closed;
    }

    /** The listen request of the poller, or null when it never bound. */
    public ListenSpec listened() {
        return this.listened;
    }

    public void ephemeralPort(int port) {
        this.ephemeralPort = port;
    }

    public void failListen(NativeIoException failure) {
        this.listenFailure = failure;
    }

    /** Queues a connection on descriptor {@code fd} and the listener's readiness for it. */
    public void connect(int fd) {
        this.pendingAccepts.add(fd);
        batch(new long[] { Poller.LISTENER_ID, ReadyEvents.READABLE, 1, 0 });
    }

    /** Queues one read of {@code data} on {@code fd} and its readiness for connection {@code id}. */
    public void send(long id, int fd, byte[] data) {
        reads(fd, data);
        batch(new long[] { id, ReadyEvents.READABLE, data.length, 0 });
    }

    private void awaitWork(long timeoutNanos) {
        Deque<Consumer<FakeTransport>> due;
        synchronized (this) {
            long deadline = System.nanoTime() + timeoutNanos;
            while (this.scripts.isEmpty() && this.batches.isEmpty() && !this.woken) {
                long remaining = (timeoutNanos < 0) ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (remaining <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, Math.min(remaining, TimeUnit.SECONDS.toNanos(1)));
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            this.woken = false;
            due = new ArrayDeque<>(this.scripts);
            this.scripts.clear();
        }
        due.forEach((script) -> script.accept(this));
    }

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

        /** The poller does not write yet (issue 11): nothing to record. */
        @Override
        public void setWritable(int fd, long id, boolean enabled) {
            throw new UnsupportedOperationException("setWritable");
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
            FakeTransport.this.loopThread = Thread.currentThread();
            if (FakeTransport.this.blocking) {
                awaitWork(timeoutNanos);
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
            synchronized (FakeTransport.this) {
                FakeTransport.this.woken = true;
                FakeTransport.this.notifyAll();
            }
        }

        @Override
        public void close() {
            FakeTransport.this.closed = true;
        }
    };

    final Sockets sockets = new Sockets() {

        @Override
        public int openListener(ListenSpec spec) throws NativeIoException {
            if (FakeTransport.this.listenFailure != null) {
                throw FakeTransport.this.listenFailure;
            }
            FakeTransport.this.listened = spec;
            FakeTransport.this.openFds.add(LISTEN_FD);
            return LISTEN_FD;
        }

        @Override
        public InetSocketAddress localAddress(int fd) {
            ListenSpec spec = FakeTransport.this.listened;
            if (fd == LISTEN_FD && spec != null) {
                return new InetSocketAddress(spec.address(),
                        (spec.port() != 0) ? spec.port() : FakeTransport.this.ephemeralPort);
            }
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), FakeTransport.this.ephemeralPort);
        }

        @Override
        public int accept(int listenFd, AcceptedPeer peer) {
            Integer fd = FakeTransport.this.pendingAccepts.poll();
            if (fd == null || fd < 0) {
                peer.clear();
                return (fd == null) ? AGAIN : fd;
            }
            FakeTransport.this.openFds.add(fd);
            peer.filled(fd, 0, FakeTransport.this.loopbackPeer);
            return fd;
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
                return code;
            }
            byte[] bytes = (byte[]) next;
            int n = Math.min(bytes.length, maxBytes);
            FakeTransport.this.buffer.put(0, bytes, 0, n);
            return n;
        }

        /** The poller does not write yet (issue 11). */
        @Override
        public int write(int fd, ByteBuffer src, int offset, int length) {
            throw new UnsupportedOperationException("write");
        }

        @Override
        public int shutdownOutput(int fd) {
            throw new UnsupportedOperationException("shutdownOutput");
        }

        @Override
        public int pendingError(int fd) {
            Integer error = FakeTransport.this.pendingErrors.remove(fd);
            return (error != null) ? error : 0;
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

    public NativeTransport transport() {
        return new NativeTransport(this.multiplexer, this.sockets);
    }

    /** Queues one batch; each event is {id, flags, available, error}. */
    public void batch(long[]... events) {
        this.batches.add(events);
    }

    /** Queues read results for {@code fd}: byte arrays, 0 (EOF), {@link Sockets#AGAIN} or a negated errno. */
    public void reads(int fd, Object... results) {
        Deque<Object> queue = this.reads.computeIfAbsent(fd, (k) -> new ArrayDeque<>());
        for (Object result : results) {
            queue.add(result);
        }
    }

}
