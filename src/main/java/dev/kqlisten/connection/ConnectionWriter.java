package dev.kqlisten.connection;

import java.nio.ByteBuffer;

/**
 * Writes to one connection and ends it; safe on any thread. Bytes are queued per connection and
 * written by the connection's poller in the order they were queued (the order of the calls, where
 * one call happens before another). Called on the poller thread, from an event listener, a write
 * goes to the socket at the end of the current dispatch without waiting for the next wake-up.
 * <p>
 * <b>Back-pressure.</b> The result of each write says whether to slow down
 * ({@link WriteResult#shouldSlowDown()}), and so does {@link #isWritable()}: above the listener's
 * {@code write-high-water-mark} a connection turns unwritable, and it turns writable again at its
 * {@code write-low-water-mark}, each change reported as a writability event. A connection whose
 * queue would pass {@code write-queue-limit} is closed with {@link CloseReason#WRITE_QUEUE_FULL}.
 */
public interface ConnectionWriter {

    /**
     * Queues {@code data}, which the connection owns from now on: the caller must not change it
     * afterwards.
     */
    WriteResult write(byte[] data);

    /** Queues a copy of the remaining bytes of {@code data}; its position moves to its limit. */
    WriteResult write(ByteBuffer data);

    /** Whether the queue is at or below the high water mark (see the class comment); any thread. */
    boolean isWritable();

    /** Bytes queued and not yet handed to the socket. */
    long pendingWriteBytes();

    /**
     * Closes gracefully: stops reading, writes what is queued, then closes with
     * {@link CloseReason#APPLICATION}. Later writes return {@link WriteResult#CLOSED}. A peer that
     * does not read keeps the connection until the listener's {@code idle-timeout}.
     */
    void close();

    /** Closes at once with {@link CloseReason#APPLICATION}; queued bytes are dropped. */
    void abort();

    /**
     * Half-closes the output: writes what is queued, then {@code shutdown(SHUT_WR)}, so the peer
     * reads end of stream and may go on sending. Later writes return {@link WriteResult#CLOSED}.
     */
    void shutdownOutput();

    /** A writer for a connection that cannot be written: every write returns {@link WriteResult#CLOSED}. */
    ConnectionWriter CLOSED = new ConnectionWriter() {

        @Override
        public WriteResult write(byte[] data) {
            return WriteResult.CLOSED;
        }

        @Override
        public WriteResult write(ByteBuffer data) {
            return WriteResult.CLOSED;
        }

        @Override
        public boolean isWritable() {
            return false;
        }

        @Override
        public long pendingWriteBytes() {
            return 0;
        }

        @Override
        public void close() {
        }

        @Override
        public void abort() {
        }

        @Override
        public void shutdownOutput() {
        }

        @Override
        public String toString() {
            return "ConnectionWriter.CLOSED";
        }

    };

}
