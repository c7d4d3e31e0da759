package dev.kqlisten.boot.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import dev.kqlisten.connection.ConnectionSnapshot;
import dev.kqlisten.server.KqlistenServer;
import dev.kqlisten.server.TcpListenerInfo;

/**
 * {@code /actuator/kqlisten}: the listeners of {@link KqlistenServer} with one page of their
 * connections, one connection by id, and closing one by id. Closing is a delete operation, so it
 * is off under the default access ({@link Access#READ_ONLY}) until
 * {@code management.endpoint.kqlisten.access=unrestricted} grants it.
 * <p>
 * Peers' addresses and ports are masked unless {@code management.endpoint.kqlisten.show-values}
 * shows them, like Boot's {@code env} endpoint: these operations (JMX) treat
 * {@link Show#WHEN_AUTHORIZED} as shown, as Boot does for JMX; over HTTP,
 * {@link KqlistenEndpointWebExtension} asks the request's security context instead.
 * <p>
 * Connection snapshots are taken on each poller thread; a poller stuck in a slow listener
 * cannot answer, so each wait is bounded by {@link #POLLER_ANSWER_TIMEOUT}.
 */
@Endpoint(id = "kqlisten", defaultAccess = Access.READ_ONLY)
public class KqlistenEndpoint {

    static final Duration POLLER_ANSWER_TIMEOUT = Duration.ofSeconds(2);

    private final KqlistenServer server;

    private final Duration stallThreshold;

    private final Show showValues;

    public KqlistenEndpoint(KqlistenServer server, Duration stallThreshold, Show showValues) {
        this.server = server;
        this.stallThreshold = stallThreshold;
        this.showValues = showValues;
    }

    /**
     * The listeners and page {@code page} (default 0) of {@code size} (default
     * {@value ConnectionPage#DEFAULT_SIZE}, at most {@value ConnectionPage#MAX_SIZE}) of their
     * connections; 400 for a page or size out of range.
     */
    @ReadOperation
    public ListenersDescriptor listeners(@Nullable Integer page, @Nullable Integer size) {
        return listeners(page, size, this.showValues.isShown(true));
    }

    ListenersDescriptor listeners(@Nullable Integer page, @Nullable Integer size, boolean showPeers) {
        long now = System.nanoTime();
        List<ListenerDescriptor> listeners = new ArrayList<>();
        List<List<ConnectionSnapshot>> connections = new ArrayList<>();
        for (TcpListenerInfo info : this.server.getListeners()) {
            ListenerState state = ListenerState.of(info.name(), info, this.stallThreshold, now);
            listeners.add(ListenerDescriptor.of(info, state));
            connections.add(await(this.server.connections(info.name())));
        }
        return new ListenersDescriptor(listeners, ConnectionPage.of(connections, page, size, showPeers));
    }

    /** One open connection; 404 when no listener has it. */
    @ReadOperation
    public @Nullable ConnectionDescriptor connection(@Selector long id) {
        return connection(id, this.showValues.isShown(true));
    }

    @Nullable ConnectionDescriptor connection(long id, boolean showPeer) {
        for (TcpListenerInfo info : this.server.getListeners()) {
            for (ConnectionSnapshot snapshot : await(this.server.connections(info.name()))) {
                if (snapshot.info().id() == id) {
                    return ConnectionDescriptor.of(snapshot, showPeer);
                }
            }
        }
        return null;
    }

    /**
     * Closes a connection with reason OPERATOR; {@code closed} is false when no listener had it
     * open (a delete operation answers 204, not 404, for a null result).
     */
    @DeleteOperation
    public CloseResult close(@Selector long id) {
        return new CloseResult(id, await(this.server.closeConnection(id)));
    }

    private static <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.get(POLLER_ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException ex) {
            throw new IllegalStateException("A poller did not answer within " + POLLER_ANSWER_TIMEOUT.toMillis()
                    + " ms; it is probably stuck in an event listener (see /actuator/health)", ex);
        }
        catch (ExecutionException ex) {
            throw new IllegalStateException(ex.getCause());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for a poller", ex);
        }
    }

    /**
     * The response of {@link #listeners(Integer, Integer)}.
     *
     * @param listeners every running listener
     * @param connections one page of their open connections, with the total
     */
    public record ListenersDescriptor(List<ListenerDescriptor> listeners,
            ConnectionPage connections) implements OperationResponseBody {
    }

    /**
     * The response of {@link #close(long)}.
     *
     * @param id the connection id asked for
     * @param closed whether it was open and is now closed
     */
    public record CloseResult(long id, boolean closed) implements OperationResponseBody {
    }

}
