package dev.kqlisten.boot.actuate;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.ConnectionSnapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Paging and masking of the {@code kqlisten} endpoint's connections, on snapshots made up for
 * the test (15,000 of them, as many as a real slowloris left open); the same over HTTP with real
 * sockets is in {@code MonitoringIntegrationTests}.
 */
class ConnectionPageTests {

    private static final int A = 10_000;

    private static final int B = 5_000;

    // Listener "a" holds ids 1..10000, listener "b" 10001..15000; each list shuffled, as a
    // poller's table has no order.
    private final List<List<ConnectionSnapshot>> snapshots = List.of(shuffled("a", 1, A), shuffled("b", A + 1, B));

    @Test
    void defaultPageIsTheFirstHundredWithTheTotal() {
        ConnectionPage page = ConnectionPage.of(this.snapshots, null, null, false);
        assertThat(page.total()).isEqualTo(A + B);
        assertThat(page.page()).isZero();
        assertThat(page.size()).isEqualTo(ConnectionPage.DEFAULT_SIZE).isEqualTo(100);
        assertThat(page.items()).extracting(ConnectionDescriptor::id).containsExactlyElementsOf(ids(1, 100));
    }

    @Test
    void answerWithFifteenThousandConnectionsStaysSmall() {
        JsonMapper json = JsonMapper.builder().build();
        int pageBytes = json.writeValueAsBytes(ConnectionPage.of(this.snapshots, null, null, false)).length;
        int largestPageBytes = json
            .writeValueAsBytes(ConnectionPage.of(this.snapshots, 0, ConnectionPage.MAX_SIZE, false)).length;
        assertThat(pageBytes).isLessThan(25_000);
        assertThat(largestPageBytes).isLessThan(250_000);
    }

    @Test
    void pagesFollowListenersInOrderThenIdsAcrossTheBoundary() {
        ConnectionPage page = ConnectionPage.of(this.snapshots, 33, 300, false);
        assertThat(page.total()).isEqualTo(A + B);
        assertThat(page.items()).extracting(ConnectionDescriptor::id).containsExactlyElementsOf(ids(9_901, 300));
        assertThat(page.items().get(99).listener()).isEqualTo("a");
        assertThat(page.items().get(100).listener()).isEqualTo("b");
    }

    @Test
    void lastPageIsPartialAndPagesPastTheEndAreEmpty() {
        assertThat(ConnectionPage.of(this.snapshots, 15, 1000, false).items()).isEmpty();
        assertThat(ConnectionPage.of(this.snapshots, 14, 1000, false).items()).hasSize(1000);
        ConnectionPage partial = ConnectionPage.of(this.snapshots, 21, 700, false);
        assertThat(partial.items()).extracting(ConnectionDescriptor::id).containsExactlyElementsOf(ids(14_701, 300));
        assertThat(ConnectionPage.of(this.snapshots, Integer.MAX_VALUE, 1000, false).items()).isEmpty();
    }

    @Test
    void pageAndSizeOutOfRangeAreRejected() {
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> ConnectionPage.of(this.snapshots, -1, null, false))
            .withMessage("page must be 0 or more, was -1");
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> ConnectionPage.of(this.snapshots, null, 0, false))
            .withMessage("size must be between 1 and 1000, was 0");
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> ConnectionPage.of(this.snapshots, null, 1001, false))
            .withMessage("size must be between 1 and 1000, was 1001");
        assertThatExceptionOfType(InvalidEndpointRequestException.class)
            .isThrownBy(() -> ConnectionPage.of(this.snapshots, 0, -5, false));
    }

    @Test
    void peersAreMaskedWholeUnlessShown() {
        ConnectionDescriptor masked = ConnectionPage.of(this.snapshots, 0, 1, false).items().get(0);
        assertThat(masked.remoteAddress()).isEqualTo("******");
        assertThat(masked.remotePort()).isEqualTo("******");
        assertThat(masked.id()).isEqualTo(1);
        assertThat(masked.listener()).isEqualTo("a");
        assertThat(masked.bytesRead()).isEqualTo(7);
        assertThat(masked.bytesWritten()).isEqualTo(11);
        assertThat(masked.pendingWriteBytes()).isEqualTo(5);
        ConnectionDescriptor shown = ConnectionPage.of(this.snapshots, 0, 1, true).items().get(0);
        assertThat(shown.remoteAddress()).isEqualTo("2001:db8:0:0:0:0:0:1");
        assertThat(shown.remotePort()).isEqualTo(40_001);
    }

    @Test
    void noListenersMeansAnEmptyPage() {
        ConnectionPage page = ConnectionPage.of(List.of(), null, null, false);
        assertThat(page.total()).isZero();
        assertThat(page.items()).isEmpty();
    }

    private static List<ConnectionSnapshot> shuffled(String listener, long firstId, int count) {
        List<ConnectionSnapshot> snapshots = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long id = firstId + i;
            InetSocketAddress peer = new InetSocketAddress("2001:db8::1", (int) (40_000 + id % 20_000));
            ConnectionInfo info = new ConnectionInfo(id, listener, peer, new InetSocketAddress("::1", 1815),
                    Instant.now());
            snapshots.add(new ConnectionSnapshot(info, 7, Duration.ofMillis(3), 11, 5));
        }
        Collections.shuffle(snapshots, new Random(firstId));
        return snapshots;
    }

    private static List<Long> ids(long first, int count) {
        List<Long> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(first + i);
        }
        return ids;
    }

}
