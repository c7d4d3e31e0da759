package dev.kqlisten.poller;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;

/**
 * Open connections per peer address, for {@code max-connections-per-address}. Not thread-safe:
 * {@link ConnectionCounts} guards it for the pollers of a listener; used only when that limit is
 * set, so the default path pays nothing.
 */
final class AddressCounts {

    private final Map<InetAddress, int[]> counts = new HashMap<>();

    int get(InetAddress address) {
        int[] count = this.counts.get(address);
        return (count != null) ? count[0] : 0;
    }

    void increment(InetAddress address) {
        this.counts.computeIfAbsent(address, (a) -> new int[1])[0]++;
    }

    void decrement(InetAddress address) {
        int[] count = this.counts.get(address);
        if (count != null && --count[0] == 0) {
            this.counts.remove(address);
        }
    }

    /** Addresses with at least one open connection. */
    int size() {
        return this.counts.size();
    }

}
