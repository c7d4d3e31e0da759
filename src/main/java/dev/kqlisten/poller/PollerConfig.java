package dev.kqlisten.poller;

import java.util.Objects;

import dev.kqlisten.framing.Framing;
import dev.kqlisten.nativeio.ListenSpec;

/**
 * The settings of one listener's poller.
 *
 * @param listenerName the listener's name, carried by every event
 * @param listen where and how to listen
 * @param readBufferSize the most bytes read from a connection per readiness event
 * @param limits connection limits and the idle timeout
 * @param descriptors the descriptors this poller's connections may hold, shared with the other
 * pollers of the application
 * @param framing how connections' bytes are split into frames ({@link Framing#RAW}: not at all)
 * @param writes water marks, queue bound and half-close of connections' output
 * @param access allowed sources and the PROXY protocol
 */
public record PollerConfig(String listenerName, ListenSpec listen, int readBufferSize, PollerLimits limits,
        DescriptorBudget descriptors, Framing framing, WriteSettings writes, AccessSettings access) {

    /** A configuration open to everyone, without the PROXY protocol. */
    public PollerConfig(String listenerName, ListenSpec listen, int readBufferSize, PollerLimits limits,
            DescriptorBudget descriptors, Framing framing, WriteSettings writes) {
        this(listenerName, listen, readBufferSize, limits, descriptors, framing, writes, AccessSettings.OPEN);
    }

    /** A configuration with the default {@link WriteSettings}. */
    public PollerConfig(String listenerName, ListenSpec listen, int readBufferSize, PollerLimits limits,
            DescriptorBudget descriptors, Framing framing) {
        this(listenerName, listen, readBufferSize, limits, descriptors, framing, WriteSettings.DEFAULTS);
    }

    /** A configuration without framing. */
    public PollerConfig(String listenerName, ListenSpec listen, int readBufferSize, PollerLimits limits,
            DescriptorBudget descriptors) {
        this(listenerName, listen, readBufferSize, limits, descriptors, Framing.RAW);
    }

    /** A configuration without limits. */
    public PollerConfig(String listenerName, ListenSpec listen, int readBufferSize) {
        this(listenerName, listen, readBufferSize, PollerLimits.NONE);
    }

    /** A configuration with a descriptor budget of its own and no limit on it. */
    public PollerConfig(String listenerName, ListenSpec listen, int readBufferSize, PollerLimits limits) {
        this(listenerName, listen, readBufferSize, limits, DescriptorBudget.unlimited());
    }

    public PollerConfig {
        Objects.requireNonNull(listenerName, "listenerName");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(descriptors, "descriptors");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(writes, "writes");
        Objects.requireNonNull(access, "access");
        if (readBufferSize < 1) {
            throw new IllegalArgumentException("readBufferSize must be at least 1, was " + readBufferSize);
        }
    }

}
