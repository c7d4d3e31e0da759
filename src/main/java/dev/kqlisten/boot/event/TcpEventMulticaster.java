package dev.kqlisten.boot.event;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.core.ResolvableType;

import dev.kqlisten.connection.ConnectionInfo;

/**
 * The context's {@code applicationEventMulticaster}: Spring's
 * {@link SimpleApplicationEventMulticaster}, except that a listener throwing on a
 * {@link TcpEvent} is logged (warn, with the stack trace at debug) and counted, and the event
 * still reaches the remaining listeners in order. Without this, the first throwing listener
 * would hide the event from the rest and unwind into the poller.
 * <p>
 * Other events keep Spring's behaviour, so a failing listener of a Boot lifecycle event still
 * fails the application. Errors (OutOfMemoryError, ...) are never swallowed.
 * <p>
 * It also answers {@link #hasDataListeners()}, {@link #hasBorrowedDataListeners()} and their
 * message counterparts for the poller on every read, from a cached answer that every change to
 * the listeners invalidates.
 */
public class TcpEventMulticaster extends SimpleApplicationEventMulticaster {

    private static final Logger logger = LoggerFactory.getLogger(TcpEventMulticaster.class);

    private static final ResolvableType DATA_EVENT_TYPE = ResolvableType.forClass(TcpDataReceivedEvent.class);

    private static final ResolvableType BORROWED_EVENT_TYPE = ResolvableType.forClass(TcpDataBorrowedEvent.class);

    private static final ConnectionInfo PROTOTYPE_CONNECTION = new ConnectionInfo(0, "", null, null, null);

    /** Looked up like a real data event: its source type (ConnectionInfo) matters to some listeners. */
    private static final TcpDataReceivedEvent DATA_EVENT_PROTOTYPE = new TcpDataReceivedEvent(PROTOTYPE_CONNECTION,
            new byte[0]);

    private static final TcpDataBorrowedEvent BORROWED_EVENT_PROTOTYPE = new TcpDataBorrowedEvent(
            PROTOTYPE_CONNECTION, ByteBuffer.allocate(0));

    private static final ResolvableType MESSAGE_EVENT_TYPE = ResolvableType.forClass(TcpMessageReceivedEvent.class);

    private static final ResolvableType BORROWED_MESSAGE_EVENT_TYPE = ResolvableType
        .forClass(TcpMessageBorrowedEvent.class);

    private static final TcpMessageReceivedEvent MESSAGE_EVENT_PROTOTYPE = new TcpMessageReceivedEvent(
            PROTOTYPE_CONNECTION, new byte[0]);

    private static final TcpMessageBorrowedEvent BORROWED_MESSAGE_EVENT_PROTOTYPE = new TcpMessageBorrowedEvent(
            PROTOTYPE_CONNECTION, ByteBuffer.allocate(0));

    /**
     * Never published: the listeners it finds take every kqlisten event (declared for
     * {@link TcpEvent}, {@link ApplicationEvent}, {@link Object}, or lambdas whose type Spring
     * cannot see).
     */
    private static final TcpEvent ANY_EVENT_PROBE = new TcpEvent(PROTOTYPE_CONNECTION, "") {

        private static final long serialVersionUID = 1L;

    };

    private static final ResolvableType ANY_EVENT_PROBE_TYPE = ResolvableType.forInstance(ANY_EVENT_PROBE);

    private static final int DATA = 1;

    private static final int BORROWED = 2;

    private static final int MESSAGES = 4;

    private static final int BORROWED_MESSAGES = 8;

    /** Bits of {@link #dataListeners} below the version. */
    private static final int KIND_BITS = 4;

    private final EventListenerFailureCounter failures;

    /** Incremented after every change to the listeners; any thread. */
    private final AtomicLong listenersVersion = new AtomicLong(1);

    /**
     * {@code version << KIND_BITS | answers} (bits {@link #DATA}, {@link #BORROWED},
     * {@link #MESSAGES}, {@link #BORROWED_MESSAGES}) of the last computation; valid while its
     * version is {@link #listenersVersion}. Any thread.
     */
    private volatile long dataListeners;

    /** As a bean, the multicaster receives its bean factory through {@code BeanFactoryAware}. */
    public TcpEventMulticaster(EventListenerFailureCounter failures) {
        this.failures = failures;
    }

    /**
     * Whether listeners run on the publishing thread, as kqlisten's event order and the lending
     * of {@link TcpDataBorrowedEvent} need: false once a {@code TaskExecutor} was set.
     */
    public boolean invokesListenersSynchronously() {
        return getTaskExecutor() == null;
    }

    /**
     * Whether any listener of this multicaster receives {@link TcpDataReceivedEvent}s now. Any
     * thread; one or two volatile reads unless the listeners changed since the last call.
     */
    public boolean hasDataListeners() {
        return (dataListenerKinds() & DATA) != 0;
    }

    /**
     * Whether a listener declared for {@link TcpDataBorrowedEvent} (not only for every event)
     * exists now; as cheap as the above.
     */
    public boolean hasBorrowedDataListeners() {
        return (dataListenerKinds() & BORROWED) != 0;
    }

    /** Whether any listener receives {@link TcpMessageReceivedEvent}s now; as cheap as the above. */
    public boolean hasMessageListeners() {
        return (dataListenerKinds() & MESSAGES) != 0;
    }

    /**
     * Whether a listener declared for {@link TcpMessageBorrowedEvent} (not only for every event)
     * exists now; as cheap as the above.
     */
    public boolean hasBorrowedMessageListeners() {
        return (dataListenerKinds() & BORROWED_MESSAGES) != 0;
    }

    private int dataListenerKinds() {
        long version = this.listenersVersion.get();
        long known = this.dataListeners;
        if ((known >>> KIND_BITS) == version) {
            return (int) (known & ((1 << KIND_BITS) - 1));
        }
        Collection<ApplicationListener<?>> any = getApplicationListeners(ANY_EVENT_PROBE, ANY_EVENT_PROBE_TYPE);
        int kinds = (getApplicationListeners(DATA_EVENT_PROTOTYPE, DATA_EVENT_TYPE).isEmpty() ? 0 : DATA)
                | (lends(BORROWED_EVENT_PROTOTYPE, BORROWED_EVENT_TYPE, any) ? BORROWED : 0)
                | (getApplicationListeners(MESSAGE_EVENT_PROTOTYPE, MESSAGE_EVENT_TYPE).isEmpty() ? 0 : MESSAGES)
                | (lends(BORROWED_MESSAGE_EVENT_PROTOTYPE, BORROWED_MESSAGE_EVENT_TYPE, any) ? BORROWED_MESSAGES : 0);
        // Tagged with the version read before the lookup: a change during it leaves the answer stale.
        this.dataListeners = (version << KIND_BITS) | kinds;
        return kinds;
    }

    /**
     * Lending is for listeners that asked for it by type: a listener of every event would make
     * each read (or message) publish two events. It still receives lent events while they are made.
     */
    private boolean lends(TcpEvent prototype, ResolvableType type, Collection<ApplicationListener<?>> any) {
        Collection<ApplicationListener<?>> lent = getApplicationListeners(prototype, type);
        return !lent.isEmpty() && !any.containsAll(lent);
    }

    @Override
    public void addApplicationListener(ApplicationListener<?> listener) {
        super.addApplicationListener(listener);
        this.listenersVersion.incrementAndGet();
    }

    @Override
    public void addApplicationListenerBean(String listenerBeanName) {
        super.addApplicationListenerBean(listenerBeanName);
        this.listenersVersion.incrementAndGet();
    }

    @Override
    public void removeApplicationListener(ApplicationListener<?> listener) {
        super.removeApplicationListener(listener);
        this.listenersVersion.incrementAndGet();
    }

    @Override
    public void removeApplicationListenerBean(String listenerBeanName) {
        super.removeApplicationListenerBean(listenerBeanName);
        this.listenersVersion.incrementAndGet();
    }

    @Override
    public void removeApplicationListeners(Predicate<ApplicationListener<?>> predicate) {
        super.removeApplicationListeners(predicate);
        this.listenersVersion.incrementAndGet();
    }

    @Override
    public void removeApplicationListenerBeans(Predicate<String> predicate) {
        super.removeApplicationListenerBeans(predicate);
        this.listenersVersion.incrementAndGet();
    }

    @Override
    public void removeAllListeners() {
        super.removeAllListeners();
        this.listenersVersion.incrementAndGet();
    }

    @Override
    protected void invokeListener(ApplicationListener<?> listener, ApplicationEvent event) {
        if (!(event instanceof TcpEvent)) {
            super.invokeListener(listener, event);
            return;
        }
        try {
            super.invokeListener(listener, event);
        }
        catch (RuntimeException ex) {
            this.failures.increment();
            logger.warn("Listener {} failed on {} of listener '{}': {}", listener, event.getClass().getSimpleName(),
                    ((TcpEvent) event).getListenerName(), ex.toString());
            logger.debug("Stack trace of the failed listener", ex);
        }
    }

}
