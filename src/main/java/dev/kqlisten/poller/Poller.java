package dev.kqlisten.poller;

import java.net.InetSocketAddress;

import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.NativeTransport;

/**
 * The event loop of one listener. API outline; the loop is being written.
 */
public final class Poller implements Runnable {

    private Poller() {
    }

    /**
     * Binds and listens synchronously on the calling thread, so that a port clash fails here.
     * The poller takes ownership of {@code transport}.
     */
    public static Poller open(PollerConfig config, NativeTransport transport, PollerListener listener)
            throws NativeIoException {
        throw new UnsupportedOperationException("loop not written yet");
    }

    /** The address actually bound (the real port when 0 was asked for). */
    public InetSocketAddress localAddress() {
        throw new UnsupportedOperationException();
    }

    /** The backend's name, {@code kqueue} or {@code epoll}. */
    public String backend() {
        throw new UnsupportedOperationException();
    }

    /** Runs the loop until {@link #shutdown()}; then closes every connection, the listener and the transport. */
    @Override
    public void run() {
        throw new UnsupportedOperationException();
    }

    /** Asks the loop to stop; any thread. */
    public void shutdown() {
        throw new UnsupportedOperationException();
    }

    /**
     * Releases everything when the loop never ran (start-up failed after {@link #open}).
     */
    public void closeUnstarted() {
        throw new UnsupportedOperationException();
    }

    public PollerStats stats() {
        throw new UnsupportedOperationException();
    }

}
