package dev.kqlisten.poller;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.framing.FrameError;

/**
 * Callbacks out of a {@link Poller}, all made on its thread. For one connection they come in
 * the order opened, (read | frame)*, (frameError | partialFrame)?, peerClosed?, closed, and closed always
 * comes exactly once.
 * <p>
 * An exception thrown by a callback is caught by the poller, counted in
 * {@link PollerStats#listenerFailures()}, and does not affect the connection or the loop.
 */
public interface PollerListener {

    /**
     * Called once when the poller opens, before its loop runs, with the switch that suspends and
     * resumes reading a connection (for a listener that must push back on a peer, such as
     * {@code dev.kqlisten.dispatch.OrderedDispatcher}). The default ignores it.
     */
    default void attached(ReadFlowControl flowControl) {
    }

    /** A connection was accepted and registered. */
    void opened(ConnectionInfo connection);

    /**
     * Bytes arrived.
     *
     * @param data a fresh array owned by the receiver from now on
     */
    void read(ConnectionInfo connection, byte[] data);

    /**
     * Whether {@link #read} has a receiver now. Asked before each read's bytes are copied out of
     * the native buffer; when {@code false}, the poller counts the bytes but neither copies them
     * nor calls {@link #read} (with no data listener, that copy and its zeroed array are most of
     * the poller's own cost per byte, see BENCHMARKS.md). Called on the poller thread per read, so
     * it must be cheap; it may change between calls.
     */
    default boolean wantsData() {
        return true;
    }

    /**
     * Bytes arrived, lent for the duration of the call: {@code data} is a read-only view of the
     * poller's read buffer (position 0, limit the byte count), which the next read overwrites.
     * The receiver must not keep it or use it after returning; it copies what it keeps. Made only
     * while {@link #wantsBorrowedData()} is {@code true}, and for the same bytes before
     * {@link #read}, so a read costs no allocation and no copy when only this receiver exists.
     */
    default void readBorrowed(ConnectionInfo connection, ByteBuffer data) {
    }

    /**
     * Whether {@link #readBorrowed} has a receiver now. Asked once per read, on the poller
     * thread, like {@link #wantsData()}.
     */
    default boolean wantsBorrowedData() {
        return false;
    }

    /**
     * Whether {@link #frame} has a receiver now; asked once per read that is decoded, like {@link #wantsData()}.
     * Frames are made only on listeners with a framing.
     */
    default boolean wantsFrames() {
        return false;
    }

    /**
     * A whole frame arrived (without its header or delimiter).
     *
     * @param frame a fresh array owned by the receiver from now on
     */
    default void frame(ConnectionInfo connection, byte[] frame) {
    }

    /** Whether {@link #frameBorrowed} has a receiver now; asked once per read that is decoded. */
    default boolean wantsBorrowedFrames() {
        return false;
    }

    /**
     * A whole frame arrived, lent for the duration of the call like {@link #readBorrowed}: a
     * read-only view of the read buffer or of the connection's frame buffer. Made before
     * {@link #frame} for the same frame.
     */
    default void frameBorrowed(ConnectionInfo connection, ByteBuffer frame) {
    }

    /**
     * The connection's bytes broke its framing; it is closed next with
     * {@link CloseReason#FRAME_TOO_LONG} or {@link CloseReason#MALFORMED_FRAME}.
     *
     * @param offset where in the connection's stream the failing frame starts
     */
    default void frameError(ConnectionInfo connection, FrameError error, long offset) {
    }

    /**
     * The connection ended inside a frame: the bytes of that frame received so far. Made before
     * {@link #peerClosed} at EOF, or before {@link #closed} when the connection ends otherwise.
     *
     * @param partial a fresh array owned by the receiver
     * @param offset where in the connection's stream the frame starts
     */
    default void partialFrame(ConnectionInfo connection, byte[] partial, long offset) {
    }

    /**
     * The connection's write queue crossed a water mark: {@code false} above the high one (slow
     * down), {@code true} at the low one again. Alternates, starting with {@code false}.
     */
    default void writabilityChanged(ConnectionInfo connection, boolean writable) {
    }

    /** The peer shut down its sending side; every byte it sent before has been delivered. */
    void peerClosed(ConnectionInfo connection);

    /**
     * The connection was closed and its descriptor released.
     *
     * @param error the errno name behind {@link CloseReason#RESET} or {@link CloseReason#ERROR},
     * otherwise {@code null}
     */
    void closed(ConnectionInfo connection, CloseReason reason, String error);

    /**
     * A connection was accepted and closed at once because a limit was reached; no other
     * callback is made for it.
     */
    default void rejected(String listenerName, InetSocketAddress remoteAddress, RejectReason reason) {
    }

}
