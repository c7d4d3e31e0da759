package dev.kqlisten.boot;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

import com.sun.management.UnixOperatingSystemMXBean;

import dev.kqlisten.boot.diagnostics.DescriptorReserveException;
import dev.kqlisten.boot.diagnostics.TcpBindException;
import dev.kqlisten.boot.diagnostics.TcpPortInUseException;
import dev.kqlisten.boot.event.TcpListenerStartedEvent;
import dev.kqlisten.boot.event.TcpListenerStoppedEvent;
import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionSnapshot;
import dev.kqlisten.dispatch.DispatchBudget;
import dev.kqlisten.dispatch.ExecutorDispatch;
import dev.kqlisten.dispatch.OrderedDispatcher;
import dev.kqlisten.nativeio.DescriptorLimit;
import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.poller.DescriptorBudget;
import dev.kqlisten.poller.PollerConfig;
import dev.kqlisten.poller.PollerListener;

/**
 * Starts and stops every configured listener: one {@link dev.kqlisten.poller.Poller} and one
 * non-daemon thread {@code kqlisten-poller-N} (N = position in {@code kqlisten.listeners} + 1)
 * per listener.
 * <p>
 * {@link #start()} binds every listener synchronously on the calling thread, so a port clash
 * fails the application with a {@link TcpPortInUseException}; only when all are bound do the
 * threads start. Runs in {@link #PHASE}.
 * <p>
 * With {@code kqlisten.dispatch.mode=executor} each poller reports to an
 * {@link OrderedDispatcher} in front of the listener, running on the {@code kqlisten-dispatch-N}
 * threads of an {@link ExecutorDispatch} created on start. Stopping then stops the pollers first,
 * lets the dispatch threads deliver what is queued, and only then publishes
 * {@link TcpListenerStoppedEvent}s.
 */
public class PollerLifecycle implements SmartLifecycle {

    /**
     * Above {@link WebServerApplicationContext#GRACEFUL_SHUTDOWN_PHASE} (which is above
     * {@link WebServerApplicationContext#START_STOP_LIFECYCLE_PHASE}, where the web server starts
     * and stops): listeners start after the web server and stop before its graceful shutdown
     * begins, so {@code /actuator/health} answers while connections close.
     */
    public static final int PHASE = WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE + 512;

    private static final Logger logger = LoggerFactory.getLogger(PollerLifecycle.class);

    private final KqlistenProperties properties;

    private final PollerListener pollerListener;

    private final ApplicationEventPublisher publisher;

    private final PollerFactory factory;

    /** How long, beyond a graceful drain, a poller may take to close what is left and end. */
    private static final Duration JOIN_MARGIN = Duration.ofSeconds(5);

    private final PollerObservers observers;

    private final Object monitor = new Object();

    /** Whether stopping drains connections ({@code server.shutdown=graceful}) or closes them at once. */
    private volatile boolean graceful = true;

    /** Replaced whole under {@link #monitor}; read by any thread. Empty when stopped. */
    private volatile List<Running> running = List.of();

    /** Executor mode while running, else null. Written under {@link #monitor}. */
    private volatile @Nullable ExecutorDispatch dispatch;

    public PollerLifecycle(KqlistenProperties properties, PollerListener pollerListener,
            ApplicationEventPublisher publisher) {
        this(properties, pollerListener, publisher, PollerFactory.NATIVE, PollerObservers.NONE);
    }

    PollerLifecycle(KqlistenProperties properties, PollerListener pollerListener, ApplicationEventPublisher publisher,
            PollerFactory factory, PollerObservers observers) {
        this.properties = properties;
        this.pollerListener = pollerListener;
        this.publisher = publisher;
        this.factory = factory;
        this.observers = observers;
    }

    @Override
    public void start() {
        synchronized (this.monitor) {
            if (!this.running.isEmpty()) {
                return;
            }
            List<KqlistenProperties.Listener> listeners = this.properties.getListeners();
            DescriptorBudget descriptors = descriptorBudget();
            List<ListenerPoller> opened = new ArrayList<>(listeners.size());
            this.dispatch = executorDispatch(this.properties.getDispatch());
            try {
                for (int i = 0; i < listeners.size(); i++) {
                    opened.add(open(i, listeners.get(i), descriptors));
                }
            }
            catch (RuntimeException | Error ex) {
                opened.forEach(PollerLifecycle::closeUnstartedQuietly);
                stopDispatch();
                throw ex;
            }
            try {
                this.running = startThreads(listeners, opened);
            }
            catch (RuntimeException | Error ex) {
                stopDispatch();
                throw ex;
            }
            logger.info("Kqlisten started on {} with {}", this.running.stream()
                    .map((r) -> SocketAddresses.format(r.address()) + " (" + r.name() + ")")
                    .collect(Collectors.joining(", ")), this.running.get(0).backend());
            for (Running r : this.running) {
                this.publisher.publishEvent(new TcpListenerStartedEvent(this, r.name(), r.address(), r.backend()));
            }
        }
    }

    private static @Nullable ExecutorDispatch executorDispatch(KqlistenProperties.Dispatch dispatch) {
        if (dispatch.getMode() != KqlistenProperties.Dispatch.Mode.EXECUTOR) {
            return null;
        }
        return new ExecutorDispatch(dispatch.getThreads(), new DispatchBudget(
                dispatch.getMaxBytesInFlightPerConnection().toBytes(), dispatch.getMaxBytesInFlight().toBytes()));
    }

    /**
     * The descriptors all listeners' connections may hold together: the soft RLIMIT_NOFILE minus
     * {@code kqlisten.reserved-descriptors}, read at each start. Unlimited when the limit is
     * RLIM_INFINITY or cannot be read.
     *
     * @throws DescriptorReserveException if the reserve leaves nothing
     */
    private DescriptorBudget descriptorBudget() {
        int reserved = this.properties.getReservedDescriptors();
        DescriptorLimit limit = this.factory.descriptorLimit();
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

    private ListenerPoller open(int index, KqlistenProperties.Listener listener, DescriptorBudget descriptors) {
        PollerConfig config = new PollerConfig(listener.getName(), listener.toListenSpec(), listener.readBufferBytes(),
                listener.toLimits(), descriptors);
        ExecutorDispatch executorDispatch = this.dispatch;
        OrderedDispatcher dispatcher = (executorDispatch != null)
                ? executorDispatch.dispatcher(this.pollerListener, listener.readBufferBytes()) : null;
        try {
            return this.factory.open(config, this.properties.toTransportOptions(listener),
                    (dispatcher != null) ? dispatcher : this.pollerListener);
        }
        catch (NativeIoException ex) {
            if (ex.kind() == Errno.EADDRINUSE) {
                throw new TcpPortInUseException(listener.getName(), index, listener.getAddress(), listener.getPort(),
                        ex);
            }
            throw new TcpBindException(listener.getName(), index, listener.getAddress(), listener.getPort(), ex);
        }
    }

    private List<Running> startThreads(List<KqlistenProperties.Listener> listeners, List<ListenerPoller> opened) {
        List<Running> started = new ArrayList<>(opened.size());
        try {
            for (int i = 0; i < opened.size(); i++) {
                ListenerPoller poller = opened.get(i);
                String name = listeners.get(i).getName();
                poller.observe(this.observers.starting(name, poller.stats()));
                Thread thread = new Thread(poller, "kqlisten-poller-" + (i + 1));
                thread.setDaemon(false);
                thread.setUncaughtExceptionHandler((t, ex) -> logger.error(
                        "Poller thread {} of listener '{}' died; the listener no longer serves connections",
                        t.getName(), name, ex));
                thread.start();
                started.add(new Running(name, poller, thread, poller.localAddress(), poller.backend()));
            }
            return List.copyOf(started);
        }
        catch (RuntimeException | Error ex) {
            // Thread.start failed (OutOfMemoryError: unable to create native thread, ...).
            stopAndJoin(started);
            opened.subList(started.size(), opened.size()).forEach(PollerLifecycle::closeUnstartedQuietly);
            throw ex;
        }
    }

    @Override
    public void stop() {
        synchronized (this.monitor) {
            List<Running> stopping = this.running;
            if (stopping.isEmpty()) {
                return;
            }
            this.running = List.of();
            stopAndJoin(stopping);
            stopDispatch();
            for (Running r : stopping) {
                this.publisher.publishEvent(new TcpListenerStoppedEvent(this, r.name(), r.address(), r.backend()));
            }
        }
    }

    /** Stops synchronously, within {@code kqlisten.shutdown-timeout} per listener at most. */
    @Override
    public void stop(Runnable callback) {
        try {
            stop();
        }
        finally {
            callback.run();
        }
    }

    /**
     * Graceful (Boot's {@code server.shutdown=graceful}, its default): every listener closes its
     * listening socket at once and serves its open connections until they close or
     * {@code kqlisten.shutdown-timeout} passes, then closes the rest with reason SHUTDOWN.
     * Immediate: connections are closed at once. Either way the threads are joined within the
     * timeout plus {@link #JOIN_MARGIN}.
     */
    private void stopAndJoin(List<Running> stopping) {
        Duration timeout = this.properties.getShutdownTimeout();
        for (Running r : stopping) {
            try {
                if (this.graceful) {
                    logger.info("[{}] draining: listening socket closed, open connections ({}) may go on for up to {}",
                            r.name(), r.poller().stats().activeConnections(), DurationStyle.SIMPLE.print(timeout,
                                    (timeout.toMillis() % 1000 == 0) ? ChronoUnit.SECONDS : ChronoUnit.MILLIS));
                    r.poller().drain(timeout);
                }
                else {
                    r.poller().shutdown();
                }
            }
            catch (RuntimeException ex) {
                logger.warn("Shutting down listener '{}' failed", r.name(), ex);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos() + (this.graceful ? JOIN_MARGIN.toNanos() : 0);
        for (Running r : stopping) {
            try {
                long remaining = deadline - System.nanoTime();
                if (remaining > 0) {
                    TimeUnit.NANOSECONDS.timedJoin(r.thread(), remaining);
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            if (r.thread().isAlive()) {
                logger.warn("Poller thread {} of listener '{}' did not end within {}; abandoning it",
                        r.thread().getName(), r.name(), this.properties.getShutdownTimeout());
            }
        }
    }

    /** Delivers what the pollers queued, within {@code kqlisten.shutdown-timeout}, and ends the threads. */
    private void stopDispatch() {
        ExecutorDispatch stopping = this.dispatch;
        this.dispatch = null;
        if (stopping != null) {
            stopping.shutdown(this.properties.getShutdownTimeout());
        }
    }

    private static void closeUnstartedQuietly(ListenerPoller poller) {
        try {
            poller.closeUnstarted();
        }
        catch (RuntimeException ex) {
            logger.warn("Releasing an unstarted poller failed", ex);
        }
    }

    /** Chooses graceful (drain) or immediate stop; see {@link #stopAndJoin}. */
    public void setGracefulShutdown(boolean graceful) {
        this.graceful = graceful;
    }

    @Override
    public boolean isRunning() {
        return !this.running.isEmpty();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public boolean isPauseable() {
        return false;
    }

    /** The running listeners in configuration order; empty when stopped. */
    public List<TcpListenerInfo> getListeners() {
        return this.running.stream()
            .map((r) -> new TcpListenerInfo(r.name(), r.address(), r.backend(), r.thread().getName(),
                    r.thread().isAlive(), r.poller().stats()))
            .toList();
    }

    /**
     * The open connections of the running listener {@code listenerName}, taken on its poller
     * thread; completes empty when no such listener runs.
     */
    public CompletableFuture<List<ConnectionSnapshot>> connections(String listenerName) {
        return this.running.stream()
            .filter((r) -> r.name().equals(listenerName))
            .findFirst()
            .map((r) -> r.poller().connections())
            .orElseGet(() -> CompletableFuture.completedFuture(List.of()));
    }

    /**
     * Closes connection {@code id} with {@link CloseReason#OPERATOR} on whichever poller owns it;
     * completes with whether one did. Ids are unique in the JVM, so at most one poller matches.
     */
    public CompletableFuture<Boolean> closeConnection(long id) {
        List<CompletableFuture<Boolean>> attempts = this.running.stream()
            .map((r) -> r.poller().close(id, CloseReason.OPERATOR))
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
    public @Nullable String getBackend() {
        List<Running> current = this.running;
        return current.isEmpty() ? null : current.get(0).backend();
    }

    /**
     * Bytes in flight and suspended connections of the executor mode; {@code null} in poller
     * mode or when stopped.
     */
    public @Nullable DispatchBudget getDispatchBudget() {
        ExecutorDispatch current = this.dispatch;
        return (current != null) ? current.budget() : null;
    }

    private record Running(String name, ListenerPoller poller, Thread thread, InetSocketAddress address,
            String backend) {
    }

}
