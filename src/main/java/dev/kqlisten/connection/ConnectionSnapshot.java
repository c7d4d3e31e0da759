package dev.kqlisten.connection;

import java.time.Duration;

/**
 * A connection's state at one moment, taken on the poller thread for other threads to read.
 *
 * @param info the connection's fixed facts
 * @param bytesRead bytes read from it so far
 * @param idle time since the last byte arrived (or since the accept, if none did)
 * @param bytesWritten bytes written to it so far
 * @param pendingWriteBytes bytes queued for it and not yet written
 */
public record ConnectionSnapshot(ConnectionInfo info, long bytesRead, Duration idle, long bytesWritten,
        long pendingWriteBytes) {

    /** A snapshot of a connection nothing was written to. */
    public ConnectionSnapshot(ConnectionInfo info, long bytesRead, Duration idle) {
        this(info, bytesRead, idle, 0, 0);
    }

}
