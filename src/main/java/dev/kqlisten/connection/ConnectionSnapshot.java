package dev.kqlisten.connection;

import java.time.Duration;

/**
 * A connection's state at one moment, taken on the poller thread for other threads to read.
 *
 * @param info the connection's fixed facts
 * @param bytesRead bytes read from it so far
 * @param idle time since the last byte arrived (or since the accept, if none did)
 */
public record ConnectionSnapshot(ConnectionInfo info, long bytesRead, Duration idle) {
}
