package dev.kqlisten.boot.actuate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import dev.kqlisten.connection.ConnectionSnapshot;

/**
 * One page of the open connections of all listeners, so that the answer of
 * {@code GET /actuator/kqlisten} stays small however many peers are connected. Connections are
 * ordered by listener (configuration order), then by id (accept order). A page is a slice of the
 * snapshots taken for this request: connections opened or closed between two requests shift the
 * later pages.
 *
 * @param total open connections of all listeners in the snapshots
 * @param page the zero-based page number asked for
 * @param size the page size asked for
 * @param items at most {@code size} connections, empty past the last page
 */
public record ConnectionPage(long total, int page, int size, List<ConnectionDescriptor> items) {

    /** The page size when none is asked for. */
    public static final int DEFAULT_SIZE = 100;

    /** The largest page size a caller may ask for. */
    public static final int MAX_SIZE = 1000;

    /**
     * Page {@code page} (default 0) of {@code size} (default {@link #DEFAULT_SIZE}) connections
     * from each listener's snapshots in turn.
     * @throws InvalidEndpointRequestException (answered 400) for a negative page or a size
     * outside 1 to {@link #MAX_SIZE}
     */
    static ConnectionPage of(List<List<ConnectionSnapshot>> perListener, @Nullable Integer page,
            @Nullable Integer size, boolean showPeers) {
        int number = (page != null) ? page : 0;
        int length = (size != null) ? size : DEFAULT_SIZE;
        if (number < 0) {
            throw new InvalidEndpointRequestException("page must be 0 or more, was " + number, "Invalid page");
        }
        if (length < 1 || length > MAX_SIZE) {
            throw new InvalidEndpointRequestException("size must be between 1 and " + MAX_SIZE + ", was " + length,
                    "Invalid size");
        }
        long total = perListener.stream().mapToLong(List::size).sum();
        long skip = (long) number * length;
        List<ConnectionDescriptor> items = new ArrayList<>(Math.min(length, (int) Math.min(total, MAX_SIZE)));
        for (List<ConnectionSnapshot> snapshots : perListener) {
            if (items.size() == length) {
                break;
            }
            if (skip >= snapshots.size()) {
                skip -= snapshots.size();
                continue;
            }
            List<ConnectionSnapshot> ordered = new ArrayList<>(snapshots);
            ordered.sort(Comparator.comparingLong((s) -> s.info().id()));
            int from = (int) skip;
            int to = Math.min(ordered.size(), from + length - items.size());
            for (ConnectionSnapshot snapshot : ordered.subList(from, to)) {
                items.add(ConnectionDescriptor.of(snapshot, showPeers));
            }
            skip = 0;
        }
        return new ConnectionPage(total, number, length, items);
    }

}
