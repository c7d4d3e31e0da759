package dev.kqlisten.boot.event;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ResolvableType;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import dev.kqlisten.boot.event.PublishedEventCounter.Kind;
import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.framing.FrameError;
import dev.kqlisten.poller.PollerListener;

/**
 * Turns {@link PollerListener} callbacks into {@link TcpConnectionEvent}s published through the
 * application context, on the calling poller thread.
 * <p>
 * Listener exceptions are contained by {@link TcpEventMulticaster}; what can still escape
 * {@code publishEvent} (a context that is closing, a custom multicaster) is logged and counted
 * here, never thrown into the poller. Every event that was handed to the listeners is counted in
 * {@link PublishedEventCounter}, after its publication returned.
 * <p>
 * With the context's own {@link TcpEventMulticaster} and no parent context, connection events go
 * straight to the multicaster with a {@link ResolvableType} computed once per event class, rather
 * than through {@code publishEvent}, which resolves the type of every event anew and would also
 * publish to a parent. While the context is not active (refresh not finished, or closed) events
 * take {@code publishEvent}, so Spring's handling of those phases is unchanged. In the same
 * setting, {@link #wantsData()} reports whether any listener receives {@link TcpDataReceivedEvent},
 * and the poller skips the copy of the bytes and the event when none does;
 * {@link #wantsBorrowedData()} answers the same for {@link TcpDataBorrowedEvent}. With a parent
 * context (whose listeners also receive every event) or another multicaster, every event takes
 * {@code publishEvent}, copied data is always wanted and borrowed data never is: lending the read
 * buffer needs the knowledge that nobody else gets the event.
 */
public class ApplicationEventBridge implements PollerListener {

    private static final Logger logger = LoggerFactory.getLogger(ApplicationEventBridge.class);

    private static final ResolvableType OPENED = ResolvableType.forClass(TcpConnectionOpenedEvent.class);

    private static final ResolvableType DATA = ResolvableType.forClass(TcpDataReceivedEvent.class);

    private static final ResolvableType BORROWED = ResolvableType.forClass(TcpDataBorrowedEvent.class);

    private static final ResolvableType MESSAGE = ResolvableType.forClass(TcpMessageReceivedEvent.class);

    private static final ResolvableType BORROWED_MESSAGE = ResolvableType.forClass(TcpMessageBorrowedEvent.class);

    private static final ResolvableType FRAMING_ERROR = ResolvableType.forClass(TcpFramingErrorEvent.class);

    private static final ResolvableType PARTIAL_MESSAGE = ResolvableType.forClass(TcpPartialMessageEvent.class);

    private static final ResolvableType PEER_CLOSED = ResolvableType.forClass(TcpPeerClosedEvent.class);

    private static final ResolvableType WRITABILITY = ResolvableType.forClass(TcpWritabilityChangedEvent.class);

    private static final ResolvableType CLOSED = ResolvableType.forClass(TcpConnectionClosedEvent.class);

    private static final ResolvableType REJECTED = ResolvableType.forClass(TcpConnectionRejectedEvent.class);

    private final ApplicationEventPublisher publisher;

    private final EventListenerFailureCounter failures;

    private final PublishedEventCounter published;

    /** The context's multicaster, used directly; null when events must take publishEvent. */
    private final @Nullable TcpEventMulticaster multicaster;

    /** The publisher as a context, when {@link #multicaster} is set. */
    private final @Nullable ConfigurableApplicationContext context;

    public ApplicationEventBridge(ApplicationEventPublisher publisher, EventListenerFailureCounter failures) {
        this(publisher, failures, null);
    }

    public ApplicationEventBridge(ApplicationEventPublisher publisher, EventListenerFailureCounter failures,
            @Nullable TcpEventMulticaster multicaster) {
        this(publisher, failures, new PublishedEventCounter(), multicaster);
    }

    /**
     * @param published where the events handed to the listeners are counted
     * @param multicaster the context's multicaster when it is a {@link TcpEventMulticaster}, else
     * null
     */
    public ApplicationEventBridge(ApplicationEventPublisher publisher, EventListenerFailureCounter failures,
            PublishedEventCounter published, @Nullable TcpEventMulticaster multicaster) {
        this.publisher = publisher;
        this.failures = failures;
        this.published = published;
        boolean direct = multicaster != null && publisher instanceof ConfigurableApplicationContext context
                && context.getParent() == null;
        this.multicaster = direct ? multicaster : null;
        this.context = direct ? (ConfigurableApplicationContext) publisher : null;
    }

    @Override
    public boolean wantsData() {
        TcpEventMulticaster multicaster = this.multicaster;
        return multicaster == null || multicaster.hasDataListeners();
    }

    @Override
    public boolean wantsBorrowedData() {
        TcpEventMulticaster multicaster = this.multicaster;
        return multicaster != null && multicaster.hasBorrowedDataListeners();
    }

    @Override
    public void opened(ConnectionInfo connection) {
        publish(new TcpConnectionOpenedEvent(connection), OPENED, Kind.OPENED);
    }

    /**
     * Counts the read only when it was not lent first: a read that makes both data events counts
     * once, in {@link #readBorrowed}.
     */
    @Override
    public void read(ConnectionInfo connection, byte[] data) {
        publish(new TcpDataReceivedEvent(connection, data), DATA, wantsBorrowedData() ? null : Kind.DATA);
    }

    @Override
    public void readBorrowed(ConnectionInfo connection, ByteBuffer data) {
        lend(new TcpDataBorrowedEvent(connection, data), BORROWED, Kind.DATA);
    }

    /** As {@link #wantsData()}, for {@link TcpMessageReceivedEvent}. */
    @Override
    public boolean wantsFrames() {
        TcpEventMulticaster multicaster = this.multicaster;
        return multicaster == null || multicaster.hasMessageListeners();
    }

    /** As {@link #wantsBorrowedData()}, for {@link TcpMessageBorrowedEvent}. */
    @Override
    public boolean wantsBorrowedFrames() {
        TcpEventMulticaster multicaster = this.multicaster;
        return multicaster != null && multicaster.hasBorrowedMessageListeners();
    }

    /** Counted once per message, in {@link #frameBorrowed} when it was lent first. */
    @Override
    public void frame(ConnectionInfo connection, byte[] frame) {
        publish(new TcpMessageReceivedEvent(connection, frame), MESSAGE, wantsBorrowedFrames() ? null : Kind.MESSAGE);
    }

    @Override
    public void frameBorrowed(ConnectionInfo connection, ByteBuffer frame) {
        lend(new TcpMessageBorrowedEvent(connection, frame), BORROWED_MESSAGE, Kind.MESSAGE);
    }

    @Override
    public void frameError(ConnectionInfo connection, FrameError error, long offset) {
        publish(new TcpFramingErrorEvent(connection, error, offset), FRAMING_ERROR, Kind.FRAMING_ERROR);
    }

    @Override
    public void partialFrame(ConnectionInfo connection, byte[] partial, long offset) {
        publish(new TcpPartialMessageEvent(connection, partial, offset), PARTIAL_MESSAGE, Kind.PARTIAL_MESSAGE);
    }

    @Override
    public void writabilityChanged(ConnectionInfo connection, boolean writable) {
        publish(new TcpWritabilityChangedEvent(connection, writable), WRITABILITY, Kind.WRITABILITY);
    }

    @Override
    public void peerClosed(ConnectionInfo connection) {
        publish(new TcpPeerClosedEvent(connection), PEER_CLOSED, Kind.PEER_CLOSED);
    }

    @Override
    public void closed(ConnectionInfo connection, CloseReason reason, String error) {
        publish(new TcpConnectionClosedEvent(connection, reason, error), CLOSED, Kind.CLOSED);
    }

    @Override
    public void rejected(String listenerName, InetSocketAddress remoteAddress, RejectReason reason) {
        publish(new TcpConnectionRejectedEvent(listenerName, remoteAddress, reason), REJECTED, Kind.REJECTED);
    }

    /** Publishes the loan, then ends it: the poller reuses the buffer once this returns. */
    private void lend(TcpLentBytesEvent event, ResolvableType type, Kind kind) {
        try {
            publish(event, type, kind);
        }
        finally {
            event.release();
        }
    }

    /** @param kind what to count once the event was handed over, or null to count nothing */
    private void publish(TcpEvent event, ResolvableType type, @Nullable Kind kind) {
        try {
            TcpEventMulticaster multicaster = this.multicaster;
            if (multicaster != null && this.context.isActive()) {
                multicaster.multicastEvent(event, type);
            }
            else {
                this.publisher.publishEvent(event);
            }
            if (kind != null) {
                this.published.increment(event.getListenerName(), kind);
            }
        }
        catch (RuntimeException ex) {
            this.failures.increment();
            logger.warn("Publishing {} of listener '{}' failed: {}", event.getClass().getSimpleName(),
                    event.getListenerName(), ex.toString());
            logger.debug("Stack trace of the failed publication", ex);
        }
    }

}
