package dev.kqlisten.server;

import org.slf4j.LoggerFactory;

import dev.kqlisten.nativeio.DescriptorLimit;
import dev.kqlisten.nativeio.Multiplexers;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.NativeTransport;
import dev.kqlisten.nativeio.NativeTransportUnavailableException;
import dev.kqlisten.nativeio.TransportOptions;

/**
 * Where a {@link KqlistenServer} gets its transports and the process's descriptor limit:
 * {@link #NATIVE} on a real host, a scripted fake in tests.
 */
@FunctionalInterface
public interface TransportFactory {

    /** The kernel's: {@link Multiplexers#open(TransportOptions)}. */
    TransportFactory NATIVE = Multiplexers::open;

    /**
     * Opens the readiness queue and socket calls of one listener; the poller bound on it owns
     * it from then on.
     *
     * @throws NativeTransportUnavailableException if the backend cannot run here
     */
    NativeTransport open(TransportOptions options);

    /**
     * The process's descriptor limit, read at each start; {@link DescriptorLimit#NONE} when it
     * cannot be read (an unsupported host then fails in {@link #open} with the reason).
     */
    default DescriptorLimit descriptorLimit() {
        try {
            return Multiplexers.descriptorLimit();
        }
        catch (NativeIoException ex) {
            LoggerFactory.getLogger(TransportFactory.class)
                .warn("Could not read the descriptor limit; kqlisten.reserved-descriptors is not enforced", ex);
            return DescriptorLimit.NONE;
        }
        catch (NativeTransportUnavailableException | LinkageError ex) {
            return DescriptorLimit.NONE;
        }
    }

}
