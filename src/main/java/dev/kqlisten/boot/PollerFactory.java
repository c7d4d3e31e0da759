package dev.kqlisten.boot;

import org.slf4j.LoggerFactory;

import dev.kqlisten.nativeio.DescriptorLimit;
import dev.kqlisten.nativeio.Multiplexers;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.NativeTransport;
import dev.kqlisten.nativeio.NativeTransportUnavailableException;
import dev.kqlisten.nativeio.TransportOptions;
import dev.kqlisten.poller.Poller;
import dev.kqlisten.poller.PollerConfig;
import dev.kqlisten.poller.PollerListener;

/**
 * Opens the transport and the bound poller of one listener; the seam tests replace with a
 * {@code PollerFactory} bean.
 */
@FunctionalInterface
interface PollerFactory {

    /** Opens a transport with {@link Multiplexers} and binds a {@link Poller} on it. */
    PollerFactory NATIVE = (config, options, listener) -> {
        NativeTransport transport = Multiplexers.open(options);
        // Poller.open owns the transport from here on, and closes it if it throws.
        return ListenerPoller.of(Poller.open(config, transport, options.maxEvents(), listener));
    };

    /**
     * Binds and listens synchronously.
     *
     * @throws NativeTransportUnavailableException if the backend cannot run here
     * @throws NativeIoException if a socket call fails (EADDRINUSE for a port clash)
     */
    ListenerPoller open(PollerConfig config, TransportOptions options, PollerListener listener)
            throws NativeIoException;

    /**
     * The process's descriptor limit, read at each start; {@link DescriptorLimit#NONE} when it
     * cannot be read (an unsupported host then fails in {@link #open} with the reason).
     */
    default DescriptorLimit descriptorLimit() {
        try {
            return Multiplexers.descriptorLimit();
        }
        catch (NativeIoException ex) {
            LoggerFactory.getLogger(PollerFactory.class)
                .warn("Could not read the descriptor limit; kqlisten.reserved-descriptors is not enforced", ex);
            return DescriptorLimit.NONE;
        }
        catch (NativeTransportUnavailableException | LinkageError ex) {
            return DescriptorLimit.NONE;
        }
    }

}
