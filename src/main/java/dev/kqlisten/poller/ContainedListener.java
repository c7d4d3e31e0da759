package dev.kqlisten.poller;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.framing.FrameError;

/**
 * The poller's view of its {@link PollerListener}: every callback that throws a
 * {@link RuntimeException} is logged and counted in {@link PollerStats#listenerFailures()}, and
 * returns normally, so neither the connection nor the loop is affected. Errors are not caught.
 * Loop thread only.
 */
final class ContainedListener implements PollerListener {

    private static final Logger logger = System.getLogger(Poller.class.getName());

    private final PollerListener delegate;

    private final PollerStats stats;

    private final String name;

    ContainedListener(PollerListener delegate, PollerStats stats, String name) {
        this.delegate = delegate;
        this.stats = stats;
        this.name = name;
    }

    @Override
    public void opened(ConnectionInfo connection) {
        try {
            this.delegate.opened(connection);
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    @Override
    public boolean wantsData() {
        return this.delegate.wantsData();
    }

    @Override
    public boolean wantsBorrowedData() {
        return this.delegate.wantsBorrowedData();
    }

    @Override
    public void readBorrowed(ConnectionInfo connection, ByteBuffer data) {
        try {
            this.delegate.readBorrowed(connection, data);
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    @Override
    public void read(ConnectionInfo connection, byte[] data) {
        try {
            this.delegate.read(connection, data);
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    @Override
    public boolean wantsFrames() {
        return this.delegate.wantsFrames();
    }

    @Override
    public boolean wantsBorrowedFrames() {
        return this.delegate.wantsBorrowedFrames();
    }

    @Override
    public void frameBorrowed(ConnectionInfo connection, ByteBuffer frame) {
        try {
            this.delegate.frameBorrowed(connection, frame);
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    @Override
    public void frame(ConnectionInfo connection, byte[] frame) {
        try {
            this.delegate.frame(connection, frame);
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    @Override
    public void frameError(ConnectionInfo connection, FrameError error, long offset) {
        try {
            this.delegate.frameError(connection, error, offset);
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    @Override
    public void partialFrame(ConnectionInfo connection, byte[] partial, long offset) {
        try {
            this.delegate.partialFrame(connection, partial, offset);
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    @Override
    public void writabilityChanged(ConnectionInfo connection, boolean writable) {
        try {
            this.delegate.writabilityChanged(connection, writable);
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    @Override
    public void peerClosed(ConnectionInfo connection) {
        try {
            this.delegate.peerClosed(connection);
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    @Override
    public void closed(ConnectionInfo connection, CloseReason reason, String error) {
        try {
            this.delegate.closed(connection, reason, error);
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    @Override
    public void rejected(String listenerName, InetSocketAddress remoteAddress, RejectReason reason) {
        try {
            this.delegate.rejected(listenerName, remoteAddress, reason);
        }
        catch (RuntimeException ex) {
            failed(ex);
        }
    }

    private void failed(RuntimeException ex) {
        this.stats.listenerFailures++;
        logger.log(Level.WARNING, "Listener '" + this.name + "': an event listener threw; the poller goes on", ex);
    }

}
