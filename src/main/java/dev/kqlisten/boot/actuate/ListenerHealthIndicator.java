package dev.kqlisten.boot.actuate;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.kqlisten.poller.PollerStats;
import dev.kqlisten.server.KqlistenServer;
import dev.kqlisten.server.TcpListenerInfo;

/**
 * Health of one listener of {@link KqlistenServer}: UP while it runs, every poller thread of it
 * is alive and each loop is waiting or has been handling its current batch for less than
 * {@code kqlisten.health.stall-threshold}; DOWN with a reason otherwise. Idle time is not a
 * fault: a loop with nothing to do waits without a timeout.
 */
class ListenerHealthIndicator extends AbstractHealthIndicator {

    private final String listenerName;

    private final KqlistenServer server;

    private final Duration stallThreshold;

    private final String backendChoice;

    private final LongSupplier nanoClock;

    ListenerHealthIndicator(String listenerName, KqlistenServer server, Duration stallThreshold,
            String backendChoice, LongSupplier nanoClock) {
        super("Health check of kqlisten listener '" + listenerName + "' failed");
        this.listenerName = listenerName;
        this.server = server;
        this.stallThreshold = stallThreshold;
        this.backendChoice = backendChoice;
        this.nanoClock = nanoClock;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        long now = this.nanoClock.getAsLong();
        TcpListenerInfo info = ListenerState.find(this.server.getListeners(), this.listenerName);
        ListenerState state = ListenerState.of(this.listenerName, info, this.stallThreshold, now);
        builder.status(state.serving() ? "UP" : "DOWN").withDetail("state", state.status().name());
        if (state.reason() != null) {
            builder.withDetail("reason", state.reason());
        }
        builder.withDetail("backendChoice", this.backendChoice);
        if (info != null) {
            PollerStats stats = info.stats();
            builder.withDetail("backend", info.backend())
                .withDetail("address", info.address().getAddress().getHostAddress())
                .withDetail("port", info.address().getPort())
                .withDetail("thread", info.threadName())
                .withDetail("pollers", info.pollers().size())
                .withDetail("activeConnections", stats.activeConnections())
                .withDetail("lastIterationAgeMillis", Duration.ofNanos(now - stats.lastWakeNanos()).toMillis())
                .withDetail("loopFailures", stats.loopFailures());
        }
    }

}
