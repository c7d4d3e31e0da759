package dev.kqlisten.server;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.management.UnixOperatingSystemMXBean;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionWriter;
import dev.kqlisten.connection.ConnectionSnapshot;
import dev.kqlisten.dispatch.DispatchBudget;
import dev.kqlisten.dispatch.ExecutorDispatch;
import dev.kqlisten.dispatch.OrderedDispatcher;
import dev.kqlisten.nativeio.DescriptorLimit;
import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.poller.AcceptSpreading;
import dev.kqlisten.poller.DescriptorBudget;
import dev.kqlisten.poller.Poller;
import dev.kqlisten.poller.PollerConfig;
import dev.kqlisten.poller.PollerGroup;
import dev.kqlisten.poller.PollerListener;
import dev.kqlisten.poller.PollerObserver;

/**
 * Kqlisten's TCP server: per listener a {@link PollerGroup} of {@link ServerConfig.Listener#pollers()}
 * pollers, each on a non-daemon thread {@code kqlisten-poller-N} (N = position in
 * {@link ServerConfig#listeners()} + 1), or {@code kqlisten-poller-N-M} (M = 1, 2, ...) when the
 * listener has several, all reporting to one {@link PollerListener}. Plain Java;
 * {@code dev.kqlisten.boot} runs it in a Spring context.
 * <p>
 * {@link #start()} binds every listener synchronously on the calling thread, so a port clash
 * fails there with a {@link ListenerBindException}; only when all are bound do the threads
 * start. With {@link ServerConfig#dispatch()} set, each poller reports to an
 * {@link OrderedDispatcher} in front of the listener, running on the {@code kqlisten-dispatch-N}
 * threads of an {@link ExecutorDispatch} created on start. {@link #stop(Shutdown)} stops the
 * pollers first, then lets the dispatch threads deliver what is queued, and returns only then.
 * <p>
 * The query methods may be called from any thread; they answer from immutable snapshots, or,
 * for connections, from the poller threads.
 */
public class KqlistenServer {

    private static final Logger logger = LoggerFactory.getLogger(KqlistenServer.class);

    private final ServerConfig config;

    private final PollerListener listener;

    private final TransportFactory transports;

    private final PollerObservers observers;

    private final Object monitor = new Object();

    /** Replaced whole under {@link #monitor}; read by any thread. Empty when stopped. */
    private volatile List<Running> running = List.of();

    /** Executor mode while running, else null. Written under {@link #monitor}. */
    private volatile ExecutorDispatch dispatch;

    /** The budget of the running listeners, else null. Written under {@link #monitor}. */
    private volatile DescriptorBudget descriptors;

    /**
     * @param config the listeners and how to stop
     * @param listener told about every connection of every listener
     * @param transports opens each listener's transport and reads the descriptor limit
     * @param observers told about each poller before its thread starts
     */
    public KqlistenServer(ServerConfig config, PollerListener listener, TransportFactory transports,
            PollerObservers observers) {
        this.config = config;
        this.listener = listener;
        this.transports = transports;
        this.observers = observers;
    }

    public ServerConfig getConfig() {
        return this.config;
    }

    /**
     * Binds every listener, then starts their threads; does nothing when running.
     *
     * @throws DescriptorReserveException if the reserve leaves no descriptor, before
     * anything is bound
     * @throws ListenerBindException if a listener cannot listen; what was bound is released
     * @throws dev.kqlisten.nativeio.NativeTransportUnavailableException if the backend cannot run here
     */
    public void start() {
        synchronized (this.monitor) {
            if (!this.running.isEmpty()) {
                return;
            }
            DescriptorBudget budget = descriptorBudget();
            List<PollerGroup> opened = new ArrayList<>(this.config.listeners().size());
            this.dispatch = executorDispatch(this.config.dispatch());
            try {
                for (int i = 0; i < this.config.listeners().size(); i++) {
                    opened.add(open(i, this.config.listeners().get(i), budget));
                }
            }
            catch (RuntimeException | Error ex) {
                opened.forEach(KqlistenServer::closeUnstartedQuietly);
                stopDispatch();
                throw ex;
            }
            try {
                this.running = startThreads(opened);
            }
            catch (RuntimeException | Error ex) {
                stopDispatch();
                throw ex;
            }
            this.descriptors = budget;
            logger.info("Kqlisten started on {} with {}", this.running.stream()
                    .map((r) -> SocketAddresses.format(r.address()) + " (" + r.name() + ")")
                    .collect(Collectors.joining(", ")), this.running.get(0).group().backend());
        }
    }

    private static ExecutorDispatch executorDispatch(ServerConfig.Dispatch dispatch) {
        if (dispatch == null) {
            return null;
        }
        return new ExecutorDispatch(dispatch.threads(),
                new DispatchBudget(dispatch.maxBytesInFlightPerConnection(), dispatch.maxBytesInFlight()));
    }

    /**
     * The descriptors all listeners' connections may hold together: the soft RLIMIT_NOFILE minus
     * the reserve, read at each start. Unlimited when the limit is RLIM_INFINITY or cannot be read.
     */
    private DescriptorBudget descriptorBudget() {
        int reserved = this.config.reservedDescriptors();
        DescriptorLimit limit = this.transports.descriptorLimit();
        if (limit.isUnlimited()) {
            logger.info("Descriptor limit: unlimited; kqlisten's connections may hold any number of descriptors");
            return new DescriptorBudget(DescriptorBudget.UNLIMITED, "descriptor limit unlimited");
        }
        if (reserved >= limit.soft()) {
            throw new DescriptorReserveException(reserved, limit.soft());
        }
        long capacity = Math.min(limit.soft() - reserved, DescriptorBudget.UNLIMITED);
        DescriptorBudget budget = new DescriptorBudget((int) capacity,
                "descriptor limit " + limit.soft() + " minus kqlisten.reserved-descriptors " + reserved);
        logger.info("Descriptor limit: {}; kqlisten's connections may hold {}", limit, budget);
        long open = (reserved > 0) ? openDescriptors() : -1;
        if (open >= reserved) {
            logger.warn("The process already holds {} descriptors, at least kqlisten.reserved-descriptors ({}): "
                    + "once kqlisten's connections hold their {}, the rest of the process cannot open any. "
                    + "Raise kqlisten.reserved-descriptors above {} plus room for HTTP requests and log files",
                    open, reserved, capacity, open);
        }
        return budget;
    }

    /** Descriptors the process holds now, or -1 where the JVM does not tell. */
    private static long openDescriptors() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return (os instanceof UnixOperatingSystemMXBean unix) ? unix.getOpenFileDescriptorCount() : -1;
    }

    private PollerGroup open(int index, ServerConfig.Listener listener, DescriptorBudget budget) {
        PollerConfig pollerConfig = new PollerConfig(listener.name(), listener.listen(), listener.readBufferSize(),
                listener.limits(), budget, listener.framing(), listener.writes(), listener.access());
        ExecutorDispatch executorDispatch = this.dispatch;
        // A dispatcher serves one poller: it suspends reads through that poller's flow control.
        Supplier<PollerListener> targets = (executorDispatch != null)
                ? () -> executorDispatch.dispatcher(this.listener, listener.readBufferSize()) : () -> this.listener;
        try {
            // The pollers own their transports from here on, and close them if opening fails.
            PollerGroup group = PollerGroup.open(pollerConfig, listener.pollers(), listener.spreading(),
                    () -> this.transports.open(listener.transport()), listener.transport().maxEvents(), targets);
            if (group.handsOff()) {
                logger.info("[{}] {} pollers; one accepts and hands connections to each in turn (the kernel does "
                        + "not spread them over sockets sharing a port{})", listener.name(), listener.pollers(),
                        (listener.spreading() == AcceptSpreading.HANDOFF) ? ", or accept-spreading is handoff" : "");
            }
            return group;
        }
        catch (NativeIoException ex) {
            if (ex.kind() == Errno.EADDRINUSE) {
                throw new ListenerPortInUseException(index, listener.name(), listener.listen().address(),
                        listener.listen().port(), ex);
            }
            throw new ListenerBindException(index, listener.name(), listener.listen().address(),
                    listener.listen().port(), ex);
        }
    }

    private List<Running> startThreads(List<PollerGroup> opened) {
        List<Running> started = new ArrayList<>(opened.size());
        try {
            for (int i = 0; i < opened.size(); i++) {
                PollerGroup group = opened.get(i);
                String name = group.name();
                List<Poller> pollers = group.pollers();
                PollerObserver observer = this.observers.starting(name, pollers.stream().map(Poller::stats).toList());
                List<Thread> threads = new ArrayList<>(pollers.size());
                for (int j = 0; j < pollers.size(); j++) {
                    Poller poller = pollers.get(j);
                    poller.observe(observer);
                    String threadName = "kqlisten-poller-" + (i + 1) + ((pollers.size() > 1) ? "-" + (j + 1) : "");
                    threads.add(new Thread(poller, threadName));
                }
                Running running = new Running(name, group, List.copyOf(threads), group.localAddress());
                for (Thread thread : threads) {
                    thread.setDaemon(false);
                    thread.setUncaughtExceptionHandler((t, ex) -> logger.error(
                            "Poller thread {} of listener '{}' died; the listener no longer serves connections",
                            t.getName(), name, ex));
                    thread.start();
                }
                started.add(running);
            }
            return List.copyOf(started);
        }
        catch (RuntimeException | Error ex) {
            // Thread.start failed (OutOfMemoryError: unable to create native thread, ...).
            stopAndJoin(started, Shutdown.IMMEDIATE);
            opened.subList(started.size(), opened.size()).forEach(KqlistenServer::closeUnstartedQuietly);
            throw ex;
        }
    }

    /**
     * Stops every listener, joins its thread within {@link ServerConfig#shutdownTimeout()} (plus
     * {@link ServerConfig#joinMargin()} when graceful), then lets the dispatch threads deliver
     * what is queued; does nothing when stopped.
     *
     * @return the listeners that ran, as they were when stopped, in configuration order
     */
    public List<TcpListenerInfo> stop(Shutdown shutdown) {
        synchronized (this.monitor) {
            List<Running> stopping = this.running;
            if (stopping.isEmpty()) {
                return List.of();
            }
            this.running = List.of();
            this.descriptors = null;
            stopAndJoin(stopping, shutdown);
            stopDispatch();
            return stopping.stream().map(Running::info).toList();
        }
    }

    /**
     * Graceful: every listener closes its listening socket at once and serves its open
     * connections until they close or the shutdown timeout passes, then closes the rest with
     * reason SHUTDOWN. Immediate: connections are closed at once. A thread that has not ended
     * within the timeout (plus the join margin when graceful) is abandoned with a warning.
     */
    private void stopAndJoin(List<Running> stopping, Shutdown shutdown) {
        Duration timeout = this.config.shutdownTimeout();
        boolean graceful = shutdown == Shutdown.GRACEFUL;
        for (Running r : stopping) {
            try {
                if (graceful) {
                    logger.info("[{}] draining: listening socket closed, open connections ({}) may go on for up to {}",
                            r.name(), r.info().stats().activeConnections(), simple(timeout));
                    r.group().drain(timeout);
                }
                else {
                    r.group().shutdown();
                }
            }
            catch (RuntimeException ex) {
                logger.warn("Shutting down listener '{}' failed", r.name(), ex);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos() + (graceful ? this.config.joinMargin().toNanos() : 0);
        for (Running r : stopping) {
            for (Thread thread : r.threads()) {
                try {
                    long remaining = deadline - System.nanoTime();
                    if (remaining > 0) {
                        TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
                    }
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
                if (thread.isAlive()) {
                    logger.warn("Poller thread {} of listener '{}' did not end within {}; abandoning it",
                            thread.getName(), r.name(), timeout);
                }
            }
        }
    }

    /** {@code 10s} when whole seconds, else {@code 200ms}: the way the property is written. */
    private static String simple(Duration duration) {
        long millis = duration.toMillis();
        return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
    }

    /** Delivers what the pollers queued, within the shutdown timeout, and ends the threads. */
    private void stopDispatch() {
        ExecutorDispatch stopping = this.dispatch;
        this.dispatch = null;
        if (stopping != null) {
            stopping.shutdown(this.config.shutdownTimeout());
        }
    }

    private static void closeUnstartedQuietly(PollerGroup group) {
        try {
            group.closeUnstarted();
        }
        catch (RuntimeException ex) {
            logger.warn("Releasing an unstarted poller failed", ex);
        }
    }

    public boolean isRunning() {
        return !this.running.isEmpty();
    }

    /** The running listeners in configuration order; empty when stopped. */
    public List<TcpListenerInfo> getListeners() {
        return this.running.stream().map(Running::info).toList();
    }

    /**
     * The open connections of the running listener {@code listenerName}, taken on its poller
     * threads; completes empty when no such listener runs.
     */
    public CompletableFuture<List<ConnectionSnapshot>> connections(String listenerName) {
        return this.running.stream()
            .filter((r) -> r.name().equals(listenerName))
            .findFirst()
            .map((r) -> r.group().connections())
            .orElseGet(() -> CompletableFuture.completedFuture(List.of()));
    }

    /**
     * The writer of open connection {@code id}, whichever listener accepted it: writes to it and
     * closes it from any thread. {@link ConnectionWriter#CLOSED} (every write answers
     * {@code CLOSED}) when no running listener has such a connection open. The events of a
     * connection carry the same writer ({@code event.getWriter()}, {@code event.reply(...)}).
     */
    public ConnectionWriter writer(long id) {
        for (Running running : this.running) {
            ConnectionWriter writer = running.group().writer(id);
            if (writer != null) {
                return writer;
            }
        }
        return ConnectionWriter.CLOSED;
    }

    /**
     * Closes connection {@code id} with {@link CloseReason#OPERATOR} on whichever poller owns it;
     * completes with whether one did. Ids are unique in the JVM, so at most one poller matches.
     */
    public CompletableFuture<Boolean> closeConnection(long id) {
        List<CompletableFuture<Boolean>> attempts = this.running.stream()
            .map((r) -> r.group().close(id, CloseReason.OPERATOR))
            .toList();
        return CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new))
            .thenApply((done) -> attempts.stream().anyMatch(CompletableFuture::join));
    }

    /** The bound port of each running listener, by name, in configuration order. */
    public Map<String, Integer> getPorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        this.running.forEach((r) -> ports.put(r.name(), r.address().getPort()));
        return ports;
    }

    /** {@code kqueue} or {@code epoll}; {@code null} when stopped. */
    public String getBackend() {
        List<Running> current = this.running;
        return current.isEmpty() ? null : current.get(0).group().backend();
    }

    /**
     * Bytes in flight and suspended connections of the executor mode; {@code null} in poller
     * mode or when stopped.
     */
    public DispatchBudget getDispatchBudget() {
        ExecutorDispatch current = this.dispatch;
        return (current != null) ? current.budget() : null;
    }

    /** The descriptors the running listeners' connections share; {@code null} when stopped. */
    public DescriptorBudget getDescriptorBudget() {
        return this.descriptors;
    }

    private record Running(String name, PollerGroup group, List<Thread> threads, InetSocketAddress address) {

        TcpListenerInfo info() {
            List<TcpListenerInfo.PollerInfo> pollers = new ArrayList<>(this.threads.size());
            for (int i = 0; i < this.threads.size(); i++) {
                Thread thread = this.threads.get(i);
                pollers.add(new TcpListenerInfo.PollerInfo(thread.getName(), thread.isAlive(),
                        this.group.pollers().get(i).stats()));
            }
            return new TcpListenerInfo(this.name, this.address, this.group.backend(), pollers);
        }

    }

}
