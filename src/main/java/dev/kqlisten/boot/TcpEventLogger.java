package dev.kqlisten.boot;

import java.net.InetSocketAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;

import dev.kqlisten.boot.event.TcpConnectionClosedEvent;
import dev.kqlisten.boot.event.TcpConnectionOpenedEvent;
import dev.kqlisten.boot.event.TcpConnectionRejectedEvent;
import dev.kqlisten.boot.event.TcpDataBorrowedEvent;
import dev.kqlisten.boot.event.TcpFramingErrorEvent;
import dev.kqlisten.boot.event.TcpPartialMessageEvent;
import dev.kqlisten.boot.event.TcpListenerStartedEvent;
import dev.kqlisten.boot.event.TcpListenerStoppedEvent;
import dev.kqlisten.boot.event.TcpPeerClosedEvent;
import dev.kqlisten.server.SocketAddresses;

/**
 * The logging listener, on while {@code kqlisten.logging.enabled} is true (the default). Its
 * levels are chosen so that nothing a client does can grow the log at the default level: one
 * INFO line per listener start and stop; connection lines (opened, rejected, framing error,
 * partial message, EOF, closed) at DEBUG; one line per read at TRACE. Runs on the poller threads (the dispatch threads in executor
 * mode).
 * <p>
 * The read line takes {@link TcpDataBorrowedEvent}: it needs only the length, and must not make
 * the poller copy every read (a {@code TcpDataReceivedEvent} listener would). With a parent
 * context, borrowed events are not published, so there are no read lines.
 */
class TcpEventLogger {

    private static final Logger logger = LoggerFactory.getLogger(TcpEventLogger.class);

    @EventListener
    void onListenerStarted(TcpListenerStartedEvent event) {
        logger.info("[{}] listening on {} ({})", event.getListenerName(), SocketAddresses.format(event.getAddress()),
                event.getBackend());
    }

    @EventListener
    void onListenerStopped(TcpListenerStoppedEvent event) {
        logger.info("[{}] stopped listening on {}", event.getListenerName(),
                SocketAddresses.format(event.getAddress()));
    }

    @EventListener
    void onOpened(TcpConnectionOpenedEvent event) {
        if (logger.isDebugEnabled()) {
            InetSocketAddress proxy = event.getConnection().proxyAddress();
            if (proxy == null) {
                logger.debug("[{}] #{} opened from {}", event.getListenerName(), event.getConnectionId(),
                        SocketAddresses.format(event.getRemoteAddress()));
            }
            else {
                logger.debug("[{}] #{} opened from {} via proxy {}", event.getListenerName(),
                        event.getConnectionId(), SocketAddresses.format(event.getRemoteAddress()),
                        SocketAddresses.format(proxy));
            }
        }
    }

    @EventListener
    void onData(TcpDataBorrowedEvent event) {
        if (logger.isTraceEnabled()) {
            logger.trace("[{}] #{} received {} bytes", event.getListenerName(), event.getConnectionId(),
                    event.getLength());
        }
    }

    @EventListener
    void onRejected(TcpConnectionRejectedEvent event) {
        if (logger.isDebugEnabled()) {
            logger.debug("[{}] rejected a connection from {}: {}", event.getListenerName(),
                    SocketAddresses.format(event.getRemoteAddress()), event.getReason());
        }
    }

    @EventListener
    void onFramingError(TcpFramingErrorEvent event) {
        if (logger.isDebugEnabled()) {
            logger.debug("[{}] #{} broke the framing with the message at byte {}: {}", event.getListenerName(),
                    event.getConnectionId(), event.getOffset(), event.getError());
        }
    }

    @EventListener
    void onPartialMessage(TcpPartialMessageEvent event) {
        if (logger.isDebugEnabled()) {
            logger.debug("[{}] #{} ended inside the message at byte {} ({} bytes of it received)",
                    event.getListenerName(), event.getConnectionId(), event.getOffset(), event.getLength());
        }
    }

    @EventListener
    void onPeerClosed(TcpPeerClosedEvent event) {
        if (logger.isDebugEnabled()) {
            logger.debug("[{}] #{} peer closed its side (EOF)", event.getListenerName(), event.getConnectionId());
        }
    }

    @EventListener
    void onClosed(TcpConnectionClosedEvent event) {
        if (!logger.isDebugEnabled()) {
            return;
        }
        if (event.getError() != null) {
            logger.debug("[{}] #{} closed: {} ({})", event.getListenerName(), event.getConnectionId(),
                    event.getReason(), event.getError());
        }
        else {
            logger.debug("[{}] #{} closed: {}", event.getListenerName(), event.getConnectionId(), event.getReason());
        }
    }

}
