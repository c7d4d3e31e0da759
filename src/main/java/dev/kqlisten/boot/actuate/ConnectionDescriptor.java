package dev.kqlisten.boot.actuate;

import java.time.Duration;
import java.time.Instant;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.ConnectionSnapshot;

/**
 * One open connection in the {@code kqlisten} endpoint.
 *
 * @param id the connection id (unique in the JVM, not the file descriptor)
 * @param listener the listener that accepted it
 * @param remoteAddress the peer's address
 * @param remotePort the peer's port
 * @param openedAt when it was accepted, ISO-8601
 * @param ageMillis time since it was accepted
 * @param bytesRead bytes read from it
 * @param idleMillis time since its last byte arrived (or since the accept)
 */
public record ConnectionDescriptor(long id, String listener, String remoteAddress, int remotePort, String openedAt,
        long ageMillis, long bytesRead, long idleMillis) implements OperationResponseBody {

    static ConnectionDescriptor of(ConnectionSnapshot snapshot) {
        ConnectionInfo info = snapshot.info();
        return new ConnectionDescriptor(info.id(), info.listenerName(), info.remoteAddress().getAddress().getHostAddress(),
                info.remoteAddress().getPort(), info.openedAt().toString(),
                Duration.between(info.openedAt(), Instant.now()).toMillis(), snapshot.bytesRead(),
                snapshot.idle().toMillis());
    }

}
