package dev.kqlisten.boot;

import java.util.List;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

import dev.kqlisten.boot.event.TcpListenerStartedEvent;
import dev.kqlisten.boot.event.TcpListenerStoppedEvent;
import dev.kqlisten.server.KqlistenServer;
import dev.kqlisten.server.Shutdown;
import dev.kqlisten.server.TcpListenerInfo;

/**
 * {@link SmartLifecycle} that starts and stops the {@link KqlistenServer} in {@link #PHASE},
 * the way Boot's {@code WebServerStartStopLifecycle} runs its {@code WebServer}. Publishes a
 * {@link TcpListenerStartedEvent} per listener once all are bound and a
 * {@link TcpListenerStoppedEvent} per listener once the server has stopped (after the dispatch
 * threads delivered what was queued).
 */
public class KqlistenServerLifecycle implements SmartLifecycle {

    /**
     * Above {@link WebServerApplicationContext#GRACEFUL_SHUTDOWN_PHASE} (which is above
     * {@link WebServerApplicationContext#START_STOP_LIFECYCLE_PHASE}, where the web server starts
     * and stops): listeners start after the web server and stop before its graceful shutdown
     * begins, so {@code /actuator/health} answers while connections close.
     */
    public static final int PHASE = WebServerApplicationContext.GRACEFUL_SHUTDOWN_PHASE + 512;

    private final KqlistenServer server;

    private final ApplicationEventPublisher publisher;

    private final Shutdown shutdown;

    /**
     * @param shutdown {@link Shutdown#GRACEFUL} drains connections on stop (Boot's
     * {@code server.shutdown=graceful}, its default); {@link Shutdown#IMMEDIATE} closes them
     */
    public KqlistenServerLifecycle(KqlistenServer server, ApplicationEventPublisher publisher, Shutdown shutdown) {
        this.server = server;
        this.publisher = publisher;
        this.shutdown = shutdown;
    }

    @Override
    public void start() {
        if (this.server.isRunning()) {
            return;
        }
        // A failure (ListenerBindException, DescriptorReserveException) propagates as it is:
        // kqlisten's failure analyzers explain it.
        this.server.start();
        for (TcpListenerInfo r : this.server.getListeners()) {
            this.publisher.publishEvent(new TcpListenerStartedEvent(this, r.name(), r.address(), r.backend()));
        }
    }

    /** Stops synchronously, within {@code kqlisten.shutdown-timeout} per listener at most. */
    @Override
    public void stop() {
        List<TcpListenerInfo> stopped = this.server.stop(this.shutdown);
        for (TcpListenerInfo r : stopped) {
            this.publisher.publishEvent(new TcpListenerStoppedEvent(this, r.name(), r.address(), r.backend()));
        }
    }

    @Override
    public void stop(Runnable callback) {
        try {
            stop();
        }
        finally {
            callback.run();
        }
    }

    @Override
    public boolean isRunning() {
        return this.server.isRunning();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }

    @Override
    public boolean isPauseable() {
        return false;
    }

}
