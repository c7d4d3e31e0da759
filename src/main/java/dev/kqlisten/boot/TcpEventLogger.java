package dev.kqlisten.boot;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.event.EventListener;

import dev.kqlisten.boot.event.TcpConnectionClosedEvent;
import dev.kqlisten.boot.event.TcpConnectionOpenedEvent;
import dev.kqlisten.boot.event.TcpConnectionRejectedEvent;
import dev.kqlisten.boot.event.TcpDataReceivedEvent;
import dev.kqlisten.boot.event.TcpListenerStartedEvent;
import dev.kqlisten.boot.event.TcpListenerStoppedEvent;
import dev.kqlisten.boot.event.TcpPeerClosedEvent;

/**
 * Logs one INFO line per listener start and stop and per connection open, read, EOF and close;
 * on while {@code kqlisten.logging.enabled} is true. Runs on the poller threads (the dispatch
 * threads in executor mode).
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
        if (logger.isInfoEnabled()) {
            logger.info("[{}] #{} opened from {}", event.getListenerName(), event.getConnectionId(),
                    SocketAddresses.format(event.getRemoteAddress()));
        }
    }

    @EventListener
    void onData(TcpDataReceivedEvent event) {
        if (logger.isInfoEnabled()) {
            logger.info("[{}] #{} received {} bytes", event.getListenerName(), event.getConnectionId(),
                    event.getLength());
        }
    }

    @EventListener
    void onRejected(TcpConnectionRejectedEvent event) {
        if (logger.isInfoEnabled()) {
            logger.info("[{}] rejected a connection from {}: {}", event.getListenerName(),
                    SocketAddresses.format(event.getRemoteAddress()), event.getReason());
        }
    }

    @EventListener
    void onPeerClosed(TcpPeerClosedEvent event) {
        if (logger.isInfoEnabled()) {
            logger.info("[{}] #{} peer closed its side (EOF)", event.getListenerName(), event.getConnectionId());
        }
    }

    @EventListener
    void onClosed(TcpConnectionClosedEvent event) {
        if (!logger.isInfoEnabled()) {
            return;
        }
        if (event.getError() != null) {
            logger.info("[{}] #{} closed: {} ({})", event.getListenerName(), event.getConnectionId(),
                    event.getReason(), event.getError());
        }
        else {
            logger.info("[{}] #{} closed: {}", event.getListenerName(), event.getConnectionId(), event.getReason());
        }
    }

}
