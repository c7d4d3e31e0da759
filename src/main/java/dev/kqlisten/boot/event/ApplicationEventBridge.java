package dev.kqlisten.boot.event;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;

import java.net.InetSocketAddress;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.poller.PollerListener;

/**
 * Turns {@link PollerListener} callbacks into {@link TcpConnectionEvent}s published through the
 * application context, on the calling poller thread.
 * <p>
 * Listener exceptions are contained by {@link TcpEventMulticaster}; what can still escape
 * {@code publishEvent} (a context that is closing, a custom multicaster) is logged and counted
 * here, never thrown into the poller.
 * <p>
 * With no listener for {@link TcpDataReceivedEvent}, {@link #wantsData()} says so and the
 * poller skips the copy of the bytes and the event. That is known only from the context's own
 * {@link TcpEventMulticaster}; with a parent context (whose listeners also receive every event)
 * or another multicaster, data is always wanted.
 */
public class ApplicationEventBridge implements PollerListener {

    private static final Logger logger = LoggerFactory.getLogger(ApplicationEventBridge.class);

    private final ApplicationEventPublisher publisher;

    private final EventListenerFailureCounter failures;

    /** Asked whether data has a listener; null when that cannot be known (always wanted). */
    private final @Nullable TcpEventMulticaster multicaster;

    public ApplicationEventBridge(ApplicationEventPublisher publisher, EventListenerFailureCounter failures) {
        this(publisher, failures, null);
    }

    /**
     * @param multicaster the context's multicaster when it is a {@link TcpEventMulticaster}, else
     * null
     */
    public ApplicationEventBridge(ApplicationEventPublisher publisher, EventListenerFailureCounter failures,
            @Nullable TcpEventMulticaster multicaster) {
        this.publisher = publisher;
        this.failures = failures;
        boolean parent = publisher instanceof ApplicationContext context && context.getParent() != null;
        this.multicaster = parent ? null : multicaster;
    }

    @Override
    public boolean wantsData() {
        TcpEventMulticaster multicaster = this.multicaster;
        return multicaster == null || multicaster.hasDataListeners();
    }

    @Override
    public void opened(ConnectionInfo connection) {
        publish(new TcpConnectionOpenedEvent(connection));
    }

    @Override
    public void read(ConnectionInfo connection, byte[] data) {
        publish(new TcpDataReceivedEvent(connection, data));
    }

    @Override
    public void peerClosed(ConnectionInfo connection) {
        publish(new TcpPeerClosedEvent(connection));
    }

    @Override
    public void closed(ConnectionInfo connection, CloseReason reason, String error) {
        publish(new TcpConnectionClosedEvent(connection, reason, error));
    }

    @Override
    public void rejected(String listenerName, InetSocketAddress remoteAddress, RejectReason reason) {
        publish(new TcpConnectionRejectedEvent(listenerName, remoteAddress, reason));
    }

    private void publish(TcpEvent event) {
        try {
            this.publisher.publishEvent(event);
        }
        catch (RuntimeException ex) {
            this.failures.increment();
            logger.warn("Publishing {} of listener '{}' failed: {}", event.getClass().getSimpleName(),
                    event.getListenerName(), ex.toString());
            logger.debug("Stack trace of the failed publication", ex);
        }
    }

}
