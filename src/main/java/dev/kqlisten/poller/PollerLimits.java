package dev.kqlisten.poller;

import java.time.Duration;

/**
 * The limits one poller enforces; 0 disables a limit.
 *
 * @param maxConnections most open connections of the listener; more are rejected at accept
 * @param maxConnectionsPerAddress most open connections from one peer address
 * @param idleTimeout a connection that sends nothing for this long is closed with
 * {@link dev.kqlisten.connection.CloseReason#IDLE_TIMEOUT}; {@link Duration#ZERO} never
 */
public record PollerLimits(int maxConnections, int maxConnectionsPerAddress, Duration idleTimeout) {

    /** No limits. */
    public static final PollerLimits NONE = new PollerLimits(0, 0, Duration.ZERO);

    public PollerLimits {
        if (maxConnections < 0 || maxConnectionsPerAddress < 0) {
            throw new IllegalArgumentException("connection limits must not be negative");
        }
        if (idleTimeout == null || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("idleTimeout must not be negative");
        }
    }

}
