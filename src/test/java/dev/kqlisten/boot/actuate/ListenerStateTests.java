package dev.kqlisten.boot.actuate;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.kqlisten.poller.PollerStats;
import dev.kqlisten.server.TcpListenerInfo;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How health and the endpoint judge a listener that is not running or whose thread died; the
 * stalled case needs a loop really stuck in a listener and is covered by
 * {@code MonitoringIntegrationTests}.
 */
class ListenerStateTests {

    private static final Duration THRESHOLD = Duration.ofSeconds(1);

    @Test
    void aListenerThatIsNotRunningIsStopped() {
        ListenerState state = ListenerState.of("a", null, THRESHOLD, System.nanoTime());
        assertThat(state.status()).isEqualTo(ListenerState.Status.STOPPED);
        assertThat(state.serving()).isFalse();
        assertThat(state.reason()).isEqualTo("listener 'a' is not running");
    }

    @Test
    void aDeadPollerThreadIsReportedByName() {
        ListenerState state = ListenerState.of("a", info(false), THRESHOLD, System.nanoTime());
        assertThat(state.status()).isEqualTo(ListenerState.Status.DEAD);
        assertThat(state.serving()).isFalse();
        assertThat(state.reason()).startsWith("poller thread kqlisten-poller-1 died");
    }

    // A waiting loop (dispatchStartedNanos 0) is healthy however long it has been idle.
    @Test
    void anIdleLoopIsRunningHoweverLongItWaits() {
        ListenerState state = ListenerState.of("a", info(true), THRESHOLD, System.nanoTime() + Duration.ofDays(1).toNanos());
        assertThat(state.status()).isEqualTo(ListenerState.Status.RUNNING);
        assertThat(state.serving()).isTrue();
        assertThat(state.reason()).isNull();
    }

    private static TcpListenerInfo info(boolean alive) {
        return new TcpListenerInfo("a", new InetSocketAddress("127.0.0.1", 1815), "epoll", "kqlisten-poller-1", alive,
                new PollerStats());
    }

}
