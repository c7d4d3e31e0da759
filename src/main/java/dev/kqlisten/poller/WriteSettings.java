package dev.kqlisten.poller;

/**
 * How a listener's connections are written and how they end.
 *
 * @param lowWaterMark pending bytes at or below which an unwritable connection turns writable
 * @param highWaterMark pending bytes above which a connection turns unwritable
 * @param queueLimit pending bytes above which a write is refused and the connection closed with
 * {@link dev.kqlisten.connection.CloseReason#WRITE_QUEUE_FULL}
 * @param halfClose whether a connection stays open for writing after the peer's end of stream,
 * until the application closes it; otherwise it closes once its queue is written (Netty's
 * {@code ALLOW_HALF_CLOSURE}, off by default there too)
 */
public record WriteSettings(int lowWaterMark, int highWaterMark, int queueLimit, boolean halfClose) {

    /** Netty's water marks (32KB, 64KB), a 1MB bound, no half-close. */
    public static final WriteSettings DEFAULTS = new WriteSettings(32 * 1024, 64 * 1024, 1024 * 1024, false);

    public WriteSettings {
        if (lowWaterMark < 0 || lowWaterMark > highWaterMark || highWaterMark > queueLimit) {
            throw new IllegalArgumentException("need 0 <= low water mark (" + lowWaterMark + ") <= high water mark ("
                    + highWaterMark + ") <= queue limit (" + queueLimit + ")");
        }
    }

}
