package dev.kqlisten.connection;

/**
 * What became of bytes handed to {@link ConnectionWriter#write}: queued or not, and whether the
 * writer should slow down.
 */
public enum WriteResult {

    /** Queued; the connection's queue is below its high water mark. */
    QUEUED,

    /**
     * Queued, but the connection's pending bytes are above its high water mark: the peer reads
     * slower than the application writes. Stop writing to it until a writability event says it
     * is writable again, or its queue reaches the limit and the connection is closed.
     */
    QUEUED_SLOW_DOWN,

    /**
     * Not queued: the connection is closed, closing, or its output was shut down. Nothing was
     * written.
     */
    CLOSED,

    /**
     * Not queued: the bytes would have taken the connection's queue past its
     * {@code write-queue-limit}, so the peer is not reading what it is sent. The connection is
     * closed with {@link CloseReason#WRITE_QUEUE_FULL}.
     */
    OVERFLOW;

    /** Whether the bytes were queued (and will be written unless the connection fails first). */
    public boolean isQueued() {
        return this == QUEUED || this == QUEUED_SLOW_DOWN;
    }

    /** Whether the writer should stop writing to this connection for now. */
    public boolean shouldSlowDown() {
        return this != QUEUED;
    }

}
