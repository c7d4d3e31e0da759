package dev.kqlisten.server;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.kqlisten.framing.Framing;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.TransportOptions;
import dev.kqlisten.poller.AccessSettings;
import dev.kqlisten.poller.AcceptSpreading;
import dev.kqlisten.poller.PollerLimits;
import dev.kqlisten.poller.WriteSettings;

/**
 * What a {@link KqlistenServer} runs, and how it stops.
 *
 * @param listeners the listeners in order; a listener's position is its index in failures and,
 * plus one, the number of its thread {@code kqlisten-poller-N}
 * @param shutdownTimeout how long a graceful stop lets open connections go on, and how long the
 * dispatch threads get to deliver what is queued
 * @param joinMargin how long, beyond {@code shutdownTimeout}, a graceful stop waits for a poller
 * thread to close what is left and end before abandoning it (see {@link #DEFAULT_JOIN_MARGIN})
 * @param reservedDescriptors descriptors of the process's limit kept from kqlisten's connections
 * @param dispatch the executor mode; {@code null} runs the listener on the poller threads
 */
public record ServerConfig(List<Listener> listeners, Duration shutdownTimeout, Duration joinMargin,
        int reservedDescriptors, Dispatch dispatch) {

    /**
     * The join margin of an application: at the drain deadline a poller closes every connection
     * still open, and each close runs the listener's closed callback on the poller thread, so how
     * long that takes depends on the application's listeners, not on kqlisten. Five seconds is
     * ample for thousands of connections with listeners that do not block, and short enough that a
     * stuck listener does not hold the process's shutdown for long.
     */
    public static final Duration DEFAULT_JOIN_MARGIN = Duration.ofSeconds(5);

    public ServerConfig {
        listeners = List.copyOf(listeners);
        if (listeners.isEmpty()) {
            throw new IllegalArgumentException("at least one listener is needed");
        }
        Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
        Objects.requireNonNull(joinMargin, "joinMargin");
        if (reservedDescriptors < 0) {
            throw new IllegalArgumentException("reservedDescriptors must not be negative, was " + reservedDescriptors);
        }
    }

    /**
     * One listener and its pollers.
     *
     * @param name the listener's name, carried by its events
     * @param listen where and how to listen
     * @param readBufferSize the most bytes read from a connection per readiness event
     * @param limits connection limits and the idle timeout
     * @param transport the transport each of its pollers opens (a transport serves one poller)
     * @param framing how connections' bytes are split into frames
     * @param writes water marks, queue bound and half-close of connections' output
     * @param access allowed sources and the PROXY protocol
     * @param pollers how many pollers (threads with a readiness queue each) serve the listener,
     * 1 to {@link #MAX_POLLERS}
     * @param spreading how new connections are shared among the pollers
     */
    public record Listener(String name, ListenSpec listen, int readBufferSize, PollerLimits limits,
            TransportOptions transport, Framing framing, WriteSettings writes, AccessSettings access, int pollers,
            AcceptSpreading spreading) {

        /** The most pollers one listener may have. */
        public static final int MAX_POLLERS = 64;

        /** A listener with one poller. */
        public Listener(String name, ListenSpec listen, int readBufferSize, PollerLimits limits,
                TransportOptions transport, Framing framing, WriteSettings writes, AccessSettings access) {
            this(name, listen, readBufferSize, limits, transport, framing, writes, access, 1, AcceptSpreading.AUTO);
        }

        /** A listener with one poller, open to everyone, without the PROXY protocol. */
        public Listener(String name, ListenSpec listen, int readBufferSize, PollerLimits limits,
                TransportOptions transport, Framing framing, WriteSettings writes) {
            this(name, listen, readBufferSize, limits, transport, framing, writes, AccessSettings.OPEN);
        }

        /** A listener with the default {@link WriteSettings}. */
        public Listener(String name, ListenSpec listen, int readBufferSize, PollerLimits limits,
                TransportOptions transport, Framing framing) {
            this(name, listen, readBufferSize, limits, transport, framing, WriteSettings.DEFAULTS);
        }

        /** A listener without framing. */
        public Listener(String name, ListenSpec listen, int readBufferSize, PollerLimits limits,
                TransportOptions transport) {
            this(name, listen, readBufferSize, limits, transport, Framing.RAW);
        }

        public Listener {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(listen, "listen");
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(transport, "transport");
            Objects.requireNonNull(framing, "framing");
            Objects.requireNonNull(writes, "writes");
            Objects.requireNonNull(access, "access");
            Objects.requireNonNull(spreading, "spreading");
            if (pollers < 1 || pollers > MAX_POLLERS) {
                throw new IllegalArgumentException("pollers must be between 1 and " + MAX_POLLERS + ", was " + pollers);
            }
        }

    }

    /**
     * The executor mode: listeners run on a pool of {@code kqlisten-dispatch-N} threads, each
     * connection's events in order.
     *
     * @param threads the size of the pool
     * @param maxBytesInFlightPerConnection bytes of one connection queued before its reads stop
     * @param maxBytesInFlight bytes of all connections queued before every read stops
     */
    public record Dispatch(int threads, long maxBytesInFlightPerConnection, long maxBytesInFlight) {
    }

}
