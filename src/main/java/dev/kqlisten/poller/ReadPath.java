package dev.kqlisten.poller;

import java.nio.ByteBuffer;

import dev.kqlisten.connection.Connection;
import dev.kqlisten.connection.ConnectionState;
import dev.kqlisten.framing.FrameDecoder;
import dev.kqlisten.framing.FrameError;
import dev.kqlisten.framing.FrameHandler;
import dev.kqlisten.nativeio.Sockets;

/**
 * The read side of the loop: turns one connection's readiness into reads and hands the bytes to
 * the {@link PollerListener}. Loop thread only; allocates nothing but the copy a copy receiver
 * asks for.
 * <ul>
 * <li>A read is sized by the bytes the kernel reports (kqueue's {@code data}) and capped by the
 * read buffer; epoll reports no count, so there it is the whole buffer.
 * <li>EOF is reported only after every byte before it: at once when nothing is pending, else
 * after the read that took the last pending byte (kqueue: the read reached {@code data}; epoll:
 * a short read after RDHUP, since the receive queue holds every byte before the FIN). Otherwise
 * the level-triggered registration reports the rest, and the EOF, again.
 * <li>A pending socket error is reported after whatever is still readable.
 * <li>Each read's bytes are first lent in place to a borrowed-data receiver, then copied once
 * into a fresh array for a copy receiver; with neither, they are only counted.
 * <li>On a listener with a framing, each read then goes through the connection's decoder, and
 * every whole frame is lent and copied the same way; a framing error closes the connection.
 * </ul>
 */
final class ReadPath {

    /** How a connection ends: the poller's business (registry, multiplexer, closed event). */
    interface Ends {

        /** The peer's EOF, every byte before it delivered. */
        void peerClosed(Connection connection);

        /** A socket error, as the raw errno of this platform. */
        void failed(Connection connection, int rawErrno);

        /** The connection's bytes broke its framing; the listener has been told. */
        void framingFailed(Connection connection, FrameError error);

    }

    private final Sockets sockets;

    private final int bufferSize;

    /** A read-only view of the native read buffer, lent to borrowed-data receivers. */
    private final ByteBuffer borrowedView;

    /** Contained: a callback that throws is counted and returns. */
    private final PollerListener listener;

    private final PollerStats stats;

    private final Ends ends;

    /** The one receiver of every connection's frames, pointed at the connection being decoded. */
    private final Frames frames = new Frames();

    ReadPath(Sockets sockets, int bufferSize, PollerListener listener, PollerStats stats, Ends ends) {
        this.sockets = sockets;
        this.bufferSize = bufferSize;
        this.borrowedView = sockets.readBuffer().asReadOnlyBuffer();
        this.listener = listener;
        this.stats = stats;
        this.ends = ends;
    }

    /**
     * One readiness report for an open connection.
     *
     * @param failed whether the event reports an error
     * @param error its raw errno, or 0 where the backend left it on the socket (epoll): then it
     * is collected with {@link Sockets#pendingError(int)}, and if none is pending the event is
     * read like any other
     * @param available the bytes the kernel reports readable, or -1 when it does not say (epoll)
     * @param eof whether the peer has shut down its sending side
     * @param nowNanos the time of the report, recorded as the connection's last read
     */
    void ready(Connection connection, boolean failed, int error, long available, boolean eof, long nowNanos) {
        if (failed && error == 0) {
            error = this.sockets.pendingError(connection.fd());
        }
        if (error != 0) {
            // A pending socket error (reset, timeout) or a failed registration. Deliver what
            // is still readable first, then close with the error as the reason.
            drain(connection, nowNanos);
            this.ends.failed(connection, error);
            return;
        }
        if (eof && available == 0) {
            this.ends.peerClosed(connection);
            return;
        }
        int want = this.bufferSize;
        if (available > 0 && available < want) {
            want = (int) available;
        }
        int n = readOnce(connection, want, nowNanos);
        if (n > 0 && eof && !connection.inputClosed() && (available >= 0 ? n >= available : n < want)) {
            this.ends.peerClosed(connection);
        }
    }

    /**
     * Delivers whatever is still readable before an error closes the connection. A read of 0
     * here is not an orderly EOF: once the pending error has been collected (on epoll,
     * {@link Sockets#pendingError} reads and thereby clears SO_ERROR), the kernel reports end of
     * stream for a reset connection too.
     */
    private void drain(Connection connection, long nowNanos) {
        int n;
        // A framing error met on the way closes the connection: stop reading its descriptor then.
        while (connection.state() != ConnectionState.CLOSED && !connection.inputClosed()
                && (n = this.sockets.read(connection.fd(), this.bufferSize)) > 0) {
            deliver(connection, n, nowNanos);
        }
    }

    /** One read: delivers bytes, reports EOF (0) and errors. Returns what read returned. */
    private int readOnce(Connection connection, int want, long nowNanos) {
        int n = this.sockets.read(connection.fd(), want);
        if (n > 0) {
            deliver(connection, n, nowNanos);
        }
        else if (n == 0) {
            this.ends.peerClosed(connection);
        }
        else if (n != Sockets.AGAIN) {
            this.ends.failed(connection, -n);
        }
        return n;
    }

    void deliver(Connection connection, int n, long nowNanos) {
        connection.recordRead(n, nowNanos);
        this.stats.reads++;
        this.stats.bytesRead += n;
        boolean borrowed = this.listener.wantsBorrowedData();
        boolean copied = this.listener.wantsData();
        if (borrowed || copied) {
            this.stats.dataEvents++;
        }
        // A callback may close the connection (its writer's close or abort): then nothing more of
        // this read is delivered.
        if (borrowed) {
            this.borrowedView.clear().limit(n);
            this.listener.readBorrowed(connection.info(), this.borrowedView);
        }
        if (copied && !connection.inputClosed()) {
            byte[] data = new byte[n];
            this.sockets.readBuffer().get(0, data);
            this.listener.read(connection.info(), data);
        }
        FrameDecoder decoder = connection.decoder();
        if (decoder != null && !connection.inputClosed()) {
            Frames frames = this.frames;
            frames.connection = connection;
            // Asked once per read, like the data receivers above, not once per message.
            frames.borrowed = this.listener.wantsBorrowedFrames();
            frames.copied = this.listener.wantsFrames();
            this.borrowedView.clear().limit(n);
            decoder.decode(this.borrowedView, frames);
        }
    }

    /**
     * The connection ends (EOF, error, timeout, shutdown): reports the frame it was inside, if
     * any, as partial. Does nothing the second time, nor after a framing error.
     */
    void endOfStream(Connection connection) {
        FrameDecoder decoder = connection.decoder();
        if (decoder != null) {
            this.frames.connection = connection;
            decoder.endOfStream(this.frames);
        }
    }

    /** Turns a decoder's reports into listener callbacks for {@link #connection}. */
    private final class Frames implements FrameHandler {

        private Connection connection;

        /** Whether the read being decoded has a borrowed-frame and a copied-frame receiver. */
        private boolean borrowed;

        private boolean copied;

        @Override
        public void frame(ByteBuffer frame, long offset) {
            if (this.connection.inputClosed()) {
                return;
            }
            PollerListener listener = ReadPath.this.listener;
            ReadPath.this.stats.frames++;
            int position = frame.position();
            int limit = frame.limit();
            if (this.borrowed) {
                listener.frameBorrowed(this.connection.info(), frame);
                frame.limit(limit).position(position);
            }
            if (this.copied && !this.connection.inputClosed()) {
                byte[] bytes = new byte[limit - position];
                frame.get(position, bytes);
                listener.frame(this.connection.info(), bytes);
            }
        }

        @Override
        public void malformed(FrameError error, long offset) {
            ReadPath.this.stats.countFrameError(error);
            ReadPath.this.listener.frameError(this.connection.info(), error, offset);
            ReadPath.this.ends.framingFailed(this.connection, error);
        }

        @Override
        public void truncated(ByteBuffer partial, long offset) {
            ReadPath.this.stats.partialFrames++;
            byte[] bytes = new byte[partial.remaining()];
            partial.get(partial.position(), bytes);
            ReadPath.this.listener.partialFrame(this.connection.info(), bytes, offset);
        }

    }

}
