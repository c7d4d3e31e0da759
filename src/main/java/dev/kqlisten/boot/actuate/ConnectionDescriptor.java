package dev.kqlisten.boot.actuate;

import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.ConnectionSnapshot;

/**
 * One open connection in the {@code kqlisten} endpoint. The peer's address and port are
 * replaced by {@value #MASK} unless {@code management.endpoint.kqlisten.show-values} shows
 * them to the caller, as Boot's {@code env} endpoint masks property values: both are replaced
 * whole, so no part of the peer (not even its port or address family) is revealed.
 *
 * @param id the connection id (unique in the JVM, not the file descriptor)
 * @param listener the listener that accepted it
 * @param remoteAddress the peer's address, or {@value #MASK}
 * @param remotePort the peer's port (a number), or {@value #MASK}
 * @param openedAt when it was accepted, ISO-8601
 * @param ageMillis time since it was accepted
 * @param bytesRead bytes read from it
 * @param idleMillis time since its last byte arrived (or since the accept)
 * @param bytesWritten bytes written to it
 * @param pendingWriteBytes bytes the application queued for it that are not written yet
 */
public record ConnectionDescriptor(long id, String listener, String remoteAddress, Object remotePort, String openedAt,
        long ageMillis, long bytesRead, long idleMillis, long bytesWritten, long pendingWriteBytes)
        implements OperationResponseBody {

    /** What replaces a peer's address and port that are not shown. */
    public static final String MASK = "******";

    static ConnectionDescriptor of(ConnectionSnapshot snapshot, boolean showPeer) {
        ConnectionInfo info = snapshot.info();
        String address = showPeer ? info.remoteAddress().getAddress().getHostAddress() : MASK;
        Object port = showPeer ? info.remoteAddress().getPort() : MASK;
        return new ConnectionDescriptor(info.id(), info.listenerName(), address, port, info.openedAt().toString(),
                Duration.between(info.openedAt(), Instant.now()).toMillis(), snapshot.bytesRead(),
                snapshot.idle().toMillis(), snapshot.bytesWritten(), snapshot.pendingWriteBytes());
    }

}
