package dev.kqlisten.poller;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.Connection;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.ConnectionRegistry;
import dev.kqlisten.connection.ConnectionSnapshot;
import dev.kqlisten.connection.ConnectionState;
import dev.kqlisten.connection.ConnectionWriter;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.framing.FrameError;
import dev.kqlisten.nativeio.AcceptedPeer;
import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.Multiplexer;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.NativeTransport;
import dev.kqlisten.nativeio.ReadyEvents;
import dev.kqlisten.nativeio.Sockets;

/**
 * The event loop of one listener: accepts connections, reads their bytes and reports them to a
 * {@link PollerListener}, all on one thread that owns every piece of connection state.
 * <p>
 * One iteration: wait (submitting queued registrations with the wait on kqueue), run commands
 * queued by other threads, then walk the ready events by index. Registrations are
 * level-triggered (see {@link Multiplexer}): a readable connection gets one read of at most
 * {@code readBufferSize} bytes per event, sized by kqueue's {@code data} when known, and what
 * is left is reported again by the next wait. That keeps one fast sender from starving the
 * others and needs no extra read to reach EAGAIN.
 * <p>
 * Nothing is allocated per event except what the listener receives: the {@link ConnectionInfo}
 * of a new connection and the byte array of a read.
 */
public final class Poller implements Runnable {

    private static final Logger logger = System.getLogger(Poller.class.getName());

    /** Registration id of the listening socket; connection ids start at 1. */
    static final long LISTENER_ID = 0;

    /** Connection ids are unique in the JVM, so an id never names two connections. */
    private static final AtomicLong nextConnectionId = new AtomicLong();

    private static final long LOOP_FAILURE_BACKOFF_MILLIS = 100;

    /** Size of the native staging buffer of writes: the most one write(2) is given. */
    static final int STAGING_BYTES = 64 * 1024;

    private final PollerConfig config;

    private final NativeTransport transport;

    private final Multiplexer multiplexer;

    private final Sockets sockets;

    private final PollerListener listener;

    private final int listenFd;

    private final InetSocketAddress localAddress;

    private final boolean wildcard;

    /** Loop thread only. */
    private final ReadyEvents ready;

    /** Loop thread only. */
    private final ConnectionRegistry connections = new ConnectionRegistry(1024);

    private final PollerStats stats = new PollerStats();

    /**
     * The writers of the open connections, for {@link #writer(long)} on any thread; the loop
     * adds and removes them as connections open and close.
     */
    private final ConcurrentHashMap<Long, Outbound> writers = new ConcurrentHashMap<>();

    /** Commands from other threads, run at the top of each iteration. */
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();

    /** Set while a wake-up is in flight, so repeated wake-ups cost one system call. */
    private final AtomicBoolean wakeupPending = new AtomicBoolean();

    private final AtomicBoolean released = new AtomicBoolean();

    private volatile boolean shutdownRequested;

    /** Set before {@link #run()}; read by the loop thread. */
    private volatile PollerObserver observer = PollerObserver.NONE;

    // -- Timers and limits; loop thread only. A deadline of 0 means "not set".

    /** {@link System#nanoTime()}, replaceable in tests that need time to pass. */
    private final LongSupplier clock;

    /** The clock when the current iteration's wait returned; the time of every read in it. */
    private long iterationNanos;

    private final long idleTimeoutNanos;

    private long nextIdleScanNanos;

    private final Acceptor acceptor;

    private final ReadPath reads;

    /** Connections waiting for their PROXY protocol header; {@code null} when the protocol is off. */
    private final ProxyStage proxies;

    /**
     * {@link #opened} as the acceptor's callback, made once: a method reference per event
     * allocates. A {@link HandOff} instead when this poller accepts for others; set before
     * {@link #run()}.
     */
    private Consumer<AcceptedPeer> onAccepted = this::opened;

    /** {@link #opened} itself, for connections handed over to this poller. */
    private final Consumer<AcceptedPeer> onAcceptedHere = this.onAccepted;

    /** The cursor a connection handed over by another poller is opened from; loop thread only. */
    private final AcceptedPeer handedOver = new AcceptedPeer();

    private boolean draining;

    // -- The write side; loop thread only.

    /** Connections written to, or asked to close, since the last flush; flushed at the end of each iteration. */
    private final ArrayList<Outbound> dirty = new ArrayList<>();

    /** The native buffer queued bytes are staged in for write(2). */
    private final ByteBuffer staging = ByteBuffer.allocateDirect(STAGING_BYTES);

    /** The descriptor {@link #sink} writes to. */
    private int sinkFd;

    /** {@link #writeStaged} as the queues' sink, made once. */
    private final WriteQueue.Sink sink = this::writeStaged;

    private long drainDeadlineNanos;

    private volatile Thread loopThread;

    private Poller(PollerConfig config, NativeTransport transport, PollerListener listener, int listenFd,
            InetSocketAddress localAddress, int maxEvents, ConnectionCounts counts, LongSupplier clock) {
        this.clock = clock;
        this.iterationNanos = clock.getAsLong();
        this.config = config;
        this.transport = transport;
        this.multiplexer = transport.multiplexer();
        this.sockets = transport.sockets();
        this.listener = new ContainedListener(listener, this.stats, config.listenerName());
        this.listenFd = listenFd;
        this.localAddress = localAddress;
        this.wildcard = localAddress.getAddress().isAnyLocalAddress();
        this.ready = new ReadyEvents(maxEvents);
        PollerLimits limits = config.limits();
        this.acceptor = new Acceptor(config.listenerName(), listenFd, this.multiplexer, this.sockets, this.stats,
                counts, config.descriptors(), this::wakeup);
        this.reads = new ReadPath(this.sockets, config.readBufferSize(), this.listener, this.stats, new ReadPath.Ends() {

            @Override
            public void peerClosed(Connection connection) {
                Poller.this.peerClosed(connection);
            }

            @Override
            public void failed(Connection connection, int rawErrno) {
                closeWithError(connection, rawErrno);
            }

            @Override
            public void framingFailed(Connection connection, FrameError error) {
                // FRAME_TOO_LONG says it all; MALFORMED_FRAME names what was malformed.
                if (error == FrameError.FRAME_TOO_LONG) {
                    close(connection, CloseReason.FRAME_TOO_LONG, null);
                }
                else {
                    close(connection, CloseReason.MALFORMED_FRAME, error.name());
                }
            }

        });
        this.proxies = (config.access().proxyProtocol() == AccessSettings.ProxyProtocol.OFF) ? null
                : new ProxyStage(config.access(), this.sockets, this.reads, config.readBufferSize(),
                        new ProxyStage.Outcome() {

                            @Override
                            public void rejected(int fd, InetSocketAddress address, RejectReason reason) {
                                reject(fd, true, address, reason);
                            }

                            @Override
                            public void discarded(int fd) {
                                closeUnopened(fd, true);
                            }

                            @Override
                            public Connection admitted(int fd, long id, InetSocketAddress client,
                                    InetSocketAddress proxy) {
                                return admit(fd, id, client, proxy);
                            }

                        });
        this.idleTimeoutNanos = limits.idleTimeout().toNanos();
        if (this.idleTimeoutNanos > 0) {
            this.nextIdleScanNanos = this.iterationNanos + idleScanIntervalNanos();
        }
    }

    /**
     * Binds and listens synchronously on the calling thread, so a port clash fails here rather
     * than on the loop thread. The poller owns {@code transport} from now on; on failure it is
     * closed before this method throws.
     *
     * @param maxEvents the most ready events collected per wait
     */
    public static Poller open(PollerConfig config, NativeTransport transport, int maxEvents,
            PollerListener listener) throws NativeIoException {
        return open(config, transport, maxEvents, listener, System::nanoTime);
    }

    static Poller open(PollerConfig config, NativeTransport transport, int maxEvents, PollerListener listener,
            LongSupplier clock) throws NativeIoException {
        return open(config, transport, maxEvents, listener, new ConnectionCounts(config.limits()), config.listen(),
                null, clock);
    }

    /**
     * Opens one of the pollers of a listener ({@link PollerGroup}).
     *
     * @param counts the listener's open connections, shared by its pollers
     * @param listen the socket to listen on, or {@code null} for a poller that is handed its
     * connections by another one
     * @param servedAddress the listener's bound address, when {@code listen} is {@code null}
     */
    static Poller open(PollerConfig config, NativeTransport transport, int maxEvents, PollerListener listener,
            ConnectionCounts counts, ListenSpec listen, InetSocketAddress servedAddress, LongSupplier clock)
            throws NativeIoException {
        int fd = -1;
        Poller poller = null;
        try {
            InetSocketAddress bound = servedAddress;
            if (listen != null) {
                fd = transport.sockets().openListener(listen);
                bound = transport.sockets().localAddress(fd);
            }
            poller = new Poller(config, transport, listener, fd, bound, maxEvents, counts, clock);
            if (fd >= 0) {
                transport.multiplexer().register(fd, LISTENER_ID);
            }
            listener.attached(poller.readSwitch);
            return poller;
        }
        catch (NativeIoException | RuntimeException ex) {
            if (poller != null) {
                config.descriptors().unregister(poller.acceptor);
            }
            if (fd >= 0) {
                transport.sockets().close(fd);
            }
            transport.close();
            throw ex;
        }
    }

    /** The address actually bound: the real port when 0 was asked for. */
    public InetSocketAddress localAddress() {
        return this.localAddress;
    }

    /** The listener's name. */
    public String name() {
        return this.config.listenerName();
    }

    /** The backend's name, {@code kqueue} or {@code epoll}. */
    public String backend() {
        return this.multiplexer.backend();
    }

    public PollerStats stats() {
        return this.stats;
    }

    /** Whether the loop is running: started and not yet finished. */
    public boolean isRunning() {
        return this.loopThread != null && !this.released.get();
    }

    /**
     * Runs the loop until {@link #shutdown()}, then closes every connection with
     * {@link CloseReason#SHUTDOWN}, the listening socket and the transport.
     */
    @Override
    public void run() {
        this.loopThread = Thread.currentThread();
        try {
            while (!this.shutdownRequested && !drained()) {
                try {
                    runOnce(nextTimeoutNanos());
                }
                catch (NativeIoException | RuntimeException ex) {
                    handleLoopFailure(ex);
                }
            }
        }
        finally {
            release();
        }
    }

    /** One wait and dispatch. Package-private so tests can drive the loop step by step. */
    void runOnce(long timeoutNanos) throws NativeIoException {
        int n = this.multiplexer.await(this.ready, timeoutNanos);
        long started = this.clock.getAsLong();
        this.iterationNanos = started;
        this.stats.lastWakeNanos = started;
        this.stats.dispatchStartedNanos = started;
        this.stats.loopIterations++;
        // Clear before reading the flag and the queue: a wake-up requested after this point
        // triggers the kernel again, so the next wait returns at once and nothing is missed.
        // Counted here, on the loop thread, so that the counter keeps a single writer.
        if (this.wakeupPending.getAndSet(false)) {
            this.stats.wakeups++;
        }
        try {
            if (!this.shutdownRequested) {
                runCommands();
                dispatch(n);
                // Commands queued by callbacks on this thread (a resume) did not wake the loop.
                runCommands();
                flushDirty();
                runTimers(this.clock.getAsLong());
            }
        }
        finally {
            this.stats.dispatchStartedNanos = 0;
            this.observer.iterated(n, this.clock.getAsLong() - started);
        }
    }

    /**
     * How long the next wait may block: until the earliest timer (idle scan, accept retry,
     * drain deadline), or without limit when none is set. Shutdown never needs a timeout: it
     * wakes the loop.
     */
    private long nextTimeoutNanos() {
        long deadline = earliest(earliest(this.nextIdleScanNanos, this.acceptor.deadline()),
                this.draining ? this.drainDeadlineNanos : 0);
        if (this.proxies != null) {
            deadline = earliest(deadline, this.proxies.deadline());
        }
        return (deadline == 0) ? -1 : Math.max(0, deadline - this.clock.getAsLong());
    }

    private static long earliest(long a, long b) {
        return (a == 0) ? b : (b == 0) ? a : (a - b < 0) ? a : b;
    }

    private void runTimers(long now) {
        this.acceptor.runTimer(now);
        if (this.proxies != null) {
            this.proxies.runTimer(now);
        }
        if (this.nextIdleScanNanos != 0 && now - this.nextIdleScanNanos >= 0) {
            closeIdle(now);
            this.nextIdleScanNanos = now + idleScanIntervalNanos();
        }
    }

    /**
     * Idle connections are found by a scan rather than a timer per connection: one pass over
     * the table every quarter of the timeout (at least every 10 ms) closes each idle connection
     * between 1 and 1.25 timeouts after its last byte, and costs nothing per read.
     */
    private long idleScanIntervalNanos() {
        return Math.max(this.idleTimeoutNanos / 4, 10_000_000L);
    }

    private void closeIdle(long now) {
        for (Connection connection : this.connections.toArray()) {
            if (now - connection.lastReadNanos() >= this.idleTimeoutNanos) {
                close(connection, CloseReason.IDLE_TIMEOUT, null);
            }
        }
    }

    /** Whether a graceful drain has finished: every connection closed, or its deadline passed. */
    private boolean drained() {
        return this.draining
                && (this.connections.size() == 0 || this.clock.getAsLong() - this.drainDeadlineNanos >= 0);
    }

    /** The flags that concern the read side of a connection. */
    private static final int READ_SIDE = ReadyEvents.READABLE | ReadyEvents.EOF | ReadyEvents.ERROR;

    private void dispatch(int n) {
        for (int i = 0; i < n; i++) {
            long id = this.ready.id(i);
            if (id == LISTENER_ID) {
                this.acceptor.acceptAll(this.iterationNanos, this.onAccepted);
                continue;
            }
            Connection connection = this.connections.get(id);
            if (connection == null) {
                // Waiting for its PROXY header; else closed earlier in this batch, its late events dropped.
                if (this.proxies != null && (this.ready.flags(i) & READ_SIDE) != 0) {
                    this.proxies.ready(id, this.iterationNanos);
                }
                continue;
            }
            int flags = this.ready.flags(i);
            // A kqueue write entry (WRITABLE alone, its data the send buffer's room) is no read.
            if ((flags & READ_SIDE) != 0) {
                if (connection.inputClosed()) {
                    inputEventAfterInput(connection, i);
                }
                else {
                    this.reads.ready(connection, this.ready.isError(i), this.ready.error(i), this.ready.available(i),
                            this.ready.isEof(i), this.iterationNanos);
                }
            }
            if ((flags & ReadyEvents.WRITABLE) != 0 && connection.state() != ConnectionState.CLOSED) {
                Outbound outbound = outbound(connection);
                if (outbound.writeInterest) {
                    outbound.writableSeen = true;
                    markDirty(outbound);
                }
            }
        }
    }

    /**
     * A read-side event on a connection whose input is over (read filter off): only an error or
     * a hang-up gets here (epoll reports EPOLLERR and EPOLLHUP whatever the mask; kqueue a failed
     * change). Either ends the connection; there is nothing left to read.
     */
    private void inputEventAfterInput(Connection connection, int i) {
        int error = this.ready.error(i);
        if (error == 0 && this.ready.isError(i)) {
            error = this.sockets.pendingError(connection.fd());
        }
        if (error != 0) {
            closeWithError(connection, error);
        }
        else if (this.ready.isEof(i)) {
            CloseReason pending = outbound(connection).closeAfterFlush;
            close(connection, (pending != null) ? pending : CloseReason.PEER_CLOSED, null);
        }
    }

    private void handleLoopFailure(Exception ex) {
        this.stats.loopFailures++;
        logger.log(Level.WARNING, "Listener '" + name() + "': unexpected failure in the poller loop; continuing", ex);
        try {
            // Back off so that a persistent failure does not spin a core.
            Thread.sleep(LOOP_FAILURE_BACKOFF_MILLIS);
        }
        catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            this.shutdownRequested = true;
        }
    }

    private void runCommands() {
        Runnable command;
        while ((command = this.commands.poll()) != null) {
            try {
                command.run();
            }
            catch (RuntimeException ex) {
                logger.log(Level.WARNING, "Listener '" + name() + "': command failed", ex);
            }
        }
    }

    private void opened(AcceptedPeer peer) {
        int fd = peer.fd();
        InetSocketAddress remote = peer.remoteAddress();
        AccessSettings access = this.config.access();
        if (this.proxies == null) {
            RejectReason rejection = admission(remote);
            if (rejection != null) {
                reject(fd, false, remote, rejection);
                return;
            }
        }
        else if (access.proxyProtocol() == AccessSettings.ProxyProtocol.REQUIRED && !access.trusts(remote)) {
            reject(fd, false, remote, RejectReason.UNTRUSTED_PROXY);
            return;
        }
        long id = nextConnectionId.incrementAndGet();
        try {
            this.multiplexer.register(fd, id);
        }
        catch (NativeIoException ex) {
            this.stats.countAcceptError(ex.kind());
            logger.log(Level.WARNING, "Listener '" + name() + "': could not set up an accepted connection", ex);
            this.sockets.close(fd);
            if (this.proxies == null) {
                // Admitted above: its place under the limits is given back with the descriptor.
                this.acceptor.connectionClosed(remote, this.iterationNanos);
            }
            else {
                this.acceptor.descriptorClosed();
            }
            return;
        }
        if (this.proxies != null) {
            this.proxies.add(id, fd, remote, this.iterationNanos);
        }
        else {
            open(fd, id, remote, null);
        }
    }

    /** Why a connection from {@code client} may not open (allowed sources, then limits), or null. */
    private RejectReason admission(InetSocketAddress client) {
        if (!this.config.access().allows(client)) {
            return RejectReason.SOURCE_NOT_ALLOWED;
        }
        return this.acceptor.admit(client);
    }

    /** A connection whose PROXY header named {@code client}: admitted and opened, or rejected (null). */
    private Connection admit(int fd, long id, InetSocketAddress client, InetSocketAddress proxy) {
        RejectReason rejection = admission(client);
        if (rejection != null) {
            reject(fd, true, client, rejection);
            return null;
        }
        return open(fd, id, client, proxy);
    }

    /** Closes an accepted descriptor that is not opened, and reports why. */
    private void reject(int fd, boolean registered, InetSocketAddress address, RejectReason reason) {
        closeUnopened(fd, registered);
        this.stats.countRejected(reason);
        this.listener.rejected(name(), address, reason);
    }

    /** Closes a descriptor that never became an open connection, and frees its slot in the budget. */
    private void closeUnopened(int fd, boolean registered) {
        if (registered) {
            this.multiplexer.forget(fd);
        }
        this.sockets.close(fd);
        this.acceptor.descriptorClosed();
    }

    /** Opens a registered connection: its writer, its facts, the table, the opened callback. */
    private Connection open(int fd, long id, InetSocketAddress remote, InetSocketAddress proxy) {
        InetSocketAddress local = this.localAddress;
        if (this.wildcard) {
            try {
                local = this.sockets.localAddress(fd);
            }
            catch (NativeIoException ex) {
                this.stats.countAcceptError(ex.kind());
                logger.log(Level.WARNING, "Listener '" + name() + "': could not set up an accepted connection", ex);
                this.multiplexer.forget(fd);
                this.sockets.close(fd);
                // Admitted: its place under the limits is given back with the descriptor.
                this.acceptor.connectionClosed(remote, this.iterationNanos);
                return null;
            }
        }
        Outbound outbound = new Outbound(this, id, this.config.writes());
        ConnectionInfo info = new ConnectionInfo(id, name(), remote, local, Instant.now(), outbound, proxy);
        Connection connection = new Connection(info, fd, this.iterationNanos, this.config.framing().newDecoder());
        outbound.connection = connection;
        this.connections.put(connection);
        this.writers.put(id, outbound);
        this.stats.accepted++;
        this.stats.activeConnections = this.connections.size();
        this.listener.opened(info);
        return connection;
    }

    /**
     * The peer's end of stream. Without half-close the connection closes now if nothing is
     * queued for it, or once its queue is written (replies made in the peer-closed event go out);
     * with half-close it stays open for writing until the application closes it. Either way
     * nothing more is read.
     */
    private void peerClosed(Connection connection) {
        if (connection.state() != ConnectionState.OPEN || connection.inputClosed()) {
            return;
        }
        connection.markPeerClosed();
        this.reads.endOfStream(connection);
        this.listener.peerClosed(connection.info());
        Outbound outbound = outbound(connection);
        if (this.config.writes().halfClose() && !outbound.outputShut && !outbound.shutdownAfterFlush) {
            closeInput(connection);
        }
        else {
            closeAfterFlush(connection, CloseReason.PEER_CLOSED);
        }
    }

    /**
     * Closes once the queue is written: at once when nothing is pending (the common case, with
     * no write at all), else after the flush at the end of this iteration or later.
     */
    private void closeAfterFlush(Connection connection, CloseReason reason) {
        Outbound outbound = outbound(connection);
        if (outbound.closeAfterFlush == null) {
            outbound.closeAfterFlush = reason;
        }
        if (outbound.closeNow == null && outbound.queue.pendingBytes() == 0 && !outbound.writeInterest) {
            close(connection, outbound.closeAfterFlush, null);
        }
        else {
            closeInput(connection);
            markDirty(outbound);
        }
    }

    /** Stops reading a connection for good: its read filter goes off and stays off. */
    private void closeInput(Connection connection) {
        connection.closeInput();
        if (!connection.readsSuspended()) {
            setReadable(connection, false);
        }
    }

    private void closeWithError(Connection connection, int rawErrno) {
        Errno errno = this.sockets.errno(rawErrno);
        CloseReason reason = (errno == Errno.ECONNRESET) ? CloseReason.RESET : CloseReason.ERROR;
        close(connection, reason, (errno == Errno.UNKNOWN) ? "errno " + rawErrno : errno.name());
    }

    private void close(Connection connection, CloseReason reason, String error) {
        if (!connection.markClosed()) {
            return;
        }
        Outbound outbound = outbound(connection);
        outbound.refuse();
        outbound.queue.discard();
        this.stats.writeQueueBytes -= outbound.countedQueueBytes;
        outbound.countedQueueBytes = 0;
        this.connections.remove(connection.id());
        this.writers.remove(connection.id());
        this.multiplexer.forget(connection.fd());
        this.sockets.close(connection.fd());
        this.acceptor.connectionClosed(connection.info().remoteAddress(), this.iterationNanos);
        this.stats.countClosed(reason);
        this.stats.activeConnections = this.connections.size();
        this.reads.endOfStream(connection);
        this.listener.closed(connection.info(), reason, error);
    }

    static Outbound outbound(Connection connection) {
        return (Outbound) connection.info().writer();
    }

    /** Whether the caller is this poller's loop thread. */
    boolean inLoop() {
        return Thread.currentThread() == this.loopThread;
    }

    /** Puts a connection on the list flushed at the end of this iteration. Loop thread. */
    void markDirty(Outbound outbound) {
        if (!outbound.dirty) {
            outbound.dirty = true;
            this.dirty.add(outbound);
        }
    }

    /**
     * Writes what was queued in this iteration and applies close requests. The list may grow
     * while it is walked (a writability listener writes again); it is walked by index.
     */
    private void flushDirty() {
        ArrayList<Outbound> list = this.dirty;
        for (int i = 0; i < list.size(); i++) {
            Outbound outbound = list.get(i);
            outbound.dirty = false;
            if (outbound.connection.state() != ConnectionState.CLOSED) {
                service(outbound);
            }
        }
        list.clear();
    }

    private void service(Outbound outbound) {
        Connection connection = outbound.connection;
        outbound.drain();
        if (outbound.closeNow != null) {
            close(connection, outbound.closeNow, null);
            return;
        }
        if (outbound.closeAfterFlush != null) {
            closeInput(connection);
        }
        WriteQueue queue = outbound.queue;
        if (outbound.writeInterest && !outbound.writableSeen) {
            // Blocked: the socket's writable event flushes it; report what writers changed.
            queue.reportWritability();
            countQueued(outbound);
            return;
        }
        outbound.writableSeen = false;
        long before = queue.queuedBytes();
        this.sinkFd = connection.fd();
        int result = queue.flush(this.staging, this.sink);
        long written = before - queue.queuedBytes();
        if (written > 0) {
            connection.recordWrite(written);
            this.stats.bytesWritten += written;
        }
        if (connection.state() == ConnectionState.CLOSED) {
            // A writability listener closed it.
            return;
        }
        countQueued(outbound);
        if (result < 0) {
            closeWithError(connection, -result);
        }
        else if (result == WriteQueue.BLOCKED) {
            setWriteInterest(outbound, true);
        }
        else {
            setWriteInterest(outbound, false);
            flushed(outbound);
        }
    }

    /** Everything queued is written: do what was waiting for that. */
    private void flushed(Outbound outbound) {
        Connection connection = outbound.connection;
        if (connection.state() == ConnectionState.CLOSED) {
            return;
        }
        if (outbound.shutdownAfterFlush && !outbound.outputShut) {
            outbound.shutdownAfterFlush = false;
            outbound.outputShut = true;
            int result = this.sockets.shutdownOutput(connection.fd());
            if (result < 0) {
                closeWithError(connection, -result);
                return;
            }
            if (connection.state() == ConnectionState.PEER_CLOSED) {
                // Both directions are done.
                close(connection, CloseReason.PEER_CLOSED, null);
                return;
            }
        }
        if (outbound.closeAfterFlush != null) {
            close(connection, outbound.closeAfterFlush, null);
        }
    }

    private int writeStaged(ByteBuffer buffer, int length) {
        this.stats.writes++;
        return this.sockets.write(this.sinkFd, buffer, 0, length);
    }

    private void setWriteInterest(Outbound outbound, boolean on) {
        if (outbound.writeInterest == on) {
            return;
        }
        try {
            this.multiplexer.setWritable(outbound.connection.fd(), outbound.connection.id(), on);
            outbound.writeInterest = on;
        }
        catch (NativeIoException ex) {
            closeWithError(outbound.connection, ex.errno());
        }
    }

    /** Keeps the queued-bytes gauge equal to the sum of the connections' queues. */
    private void countQueued(Outbound outbound) {
        long now = outbound.queue.queuedBytes();
        this.stats.writeQueueBytes += now - outbound.countedQueueBytes;
        outbound.countedQueueBytes = now;
    }

    /** A connection's queue crossed a water mark; called from {@link WriteQueue} on the loop. */
    void writabilityChanged(Outbound outbound, boolean writable) {
        this.stats.writabilityChanges++;
        this.listener.writabilityChanged(outbound.connection.info(), writable);
    }

    /** This poller's {@link ReadFlowControl}, handed to its listener when it opens; nobody else's to use. */
    private final ReadFlowControl readSwitch = new ReadFlowControl() {

        @Override
        public void suspendReads(long id) {
            Poller.this.suspendReads(id);
        }

        @Override
        public void resumeReads(long id) {
            Poller.this.resumeReads(id);
        }

    };

    /**
     * Stops reading connection {@code id} (its read filter is disabled, so TCP flow control
     * pushes back on the peer) until {@link #resumeReads(long)}. Loop thread only: call it
     * from a {@link PollerListener} callback.
     */
    void suspendReads(long id) {
        assert Thread.currentThread() == this.loopThread || this.loopThread == null;
        Connection connection = this.connections.get(id);
        if (connection != null && !connection.readsSuspended()) {
            setReadable(connection, false);
        }
    }

    /** Resumes reading connection {@code id}; any thread (applied on the loop). */
    void resumeReads(long id) {
        execute(() -> {
            Connection connection = this.connections.get(id);
            if (connection != null && connection.readsSuspended() && !connection.inputClosed()) {
                setReadable(connection, true);
            }
        });
    }

    private void setReadable(Connection connection, boolean readable) {
        try {
            this.multiplexer.setReadable(connection.fd(), connection.id(), readable);
            connection.suspendReads(!readable);
        }
        catch (NativeIoException ex) {
            closeWithError(connection, ex.errno());
        }
    }

    /** Sets the iteration observer; call before {@link #run()}. */
    public void observe(PollerObserver observer) {
        this.observer = (observer != null) ? observer : PollerObserver.NONE;
    }

    /**
     * A snapshot of the open connections, taken on the loop thread; completes empty once the
     * poller has stopped. Any thread.
     */
    public CompletableFuture<List<ConnectionSnapshot>> connections() {
        CompletableFuture<List<ConnectionSnapshot>> result = new CompletableFuture<>();
        execute(() -> {
            long now = this.clock.getAsLong();
            List<ConnectionSnapshot> snapshots = new ArrayList<>(this.connections.size());
            this.connections.forEach((c) -> snapshots.add(new ConnectionSnapshot(c.info(), c.bytesRead(),
                    Duration.ofNanos(now - c.lastReadNanos()), c.bytesWritten(), c.info().writer().pendingWriteBytes())));
            result.complete(snapshots);
        });
        if (this.released.get()) {
            result.complete(List.of());
        }
        return result;
    }

    /**
     * The writer of open connection {@code id}, or {@code null} if no open connection of this
     * poller has it. Any thread.
     */
    public ConnectionWriter writer(long id) {
        return this.writers.get(id);
    }

    /**
     * Closes the connection with {@code id} on the loop thread, with {@code reason}; completes
     * with whether it was open here. Any thread.
     */
    public CompletableFuture<Boolean> close(long id, CloseReason reason) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        execute(() -> {
            Connection connection = this.connections.get(id);
            if (connection != null) {
                close(connection, reason, null);
            }
            result.complete(connection != null);
        });
        if (this.released.get()) {
            result.complete(false);
        }
        return result;
    }

    /**
     * Starts a graceful stop; any thread. The listening socket is closed at once (new
     * connections are refused and the port can be bound again), open connections keep being
     * served, and the loop ends when the last one closes or {@code timeout} has passed; what is
     * still open then is closed with {@link CloseReason#SHUTDOWN}.
     */
    public void drain(Duration timeout) {
        long deadline = this.clock.getAsLong() + timeout.toNanos();
        execute(() -> {
            this.acceptor.close();
            if (!this.draining || deadline - this.drainDeadlineNanos < 0) {
                this.drainDeadlineNanos = deadline;
            }
            this.draining = true;
        });
    }

    /** Asks the loop to stop and wakes it; any thread. */
    public void shutdown() {
        this.shutdownRequested = true;
        wakeup();
    }

    /**
     * Makes this poller accept for all of {@code pollers} (itself among them), handing each new
     * connection to the next in turn. Before {@link #run()}.
     */
    void handOffTo(Poller[] pollers) {
        this.onAccepted = new HandOff(this, this.onAccepted, pollers);
    }

    /**
     * Opens, on this poller's loop, a connection another poller of the listener accepted; any
     * thread. The descriptor holds a slot of the shared descriptor budget already. Once this
     * poller has stopped the descriptor is closed instead.
     */
    void handOver(int fd, InetSocketAddress remote) {
        Runnable command = () -> {
            if (this.released.get()) {
                closeHandedOver(fd);
                return;
            }
            this.handedOver.handedOver(fd, remote);
            this.onAcceptedHere.accept(this.handedOver);
        };
        if (this.released.get()) {
            closeHandedOver(fd);
            return;
        }
        execute(command);
        if (this.released.get() && this.commands.remove(command)) {
            // Queued after the last commands ran: nobody else will run it.
            closeHandedOver(fd);
        }
    }

    /** close(2) touches no per-instance buffer, so any thread may call it after release. */
    private void closeHandedOver(int fd) {
        this.sockets.close(fd);
        this.acceptor.descriptorClosed();
    }

    /** Runs {@code command} on the loop thread at the start of its next iteration; any thread. */
    public void execute(Runnable command) {
        this.commands.add(command);
        wakeup();
    }

    private void wakeup() {
        if (Thread.currentThread() != this.loopThread && this.wakeupPending.compareAndSet(false, true)) {
            this.multiplexer.wakeup();
        }
    }

    /** Releases everything when the loop never ran (start-up failed after {@link #open}). */
    public void closeUnstarted() {
        if (this.loopThread == null) {
            release();
        }
    }

    /** Closes every connection (reason shutdown), then the listener and the transport. Once. */
    private void release() {
        if (!this.released.compareAndSet(false, true)) {
            return;
        }
        try {
            if (this.proxies != null) {
                this.proxies.closeAll();
            }
            for (Connection connection : this.connections.toArray()) {
                close(connection, CloseReason.SHUTDOWN, null);
            }
        }
        finally {
            this.acceptor.close();
            this.transport.close();
            // Commands queued too late still run, so their futures complete (on an empty poller).
            runCommands();
        }
    }

}
