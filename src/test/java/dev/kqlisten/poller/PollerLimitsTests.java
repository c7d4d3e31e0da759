package dev.kqlisten.poller;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.ReadyEvents;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits, the idle timeout, the accept pause on descriptor exhaustion and the graceful drain,
 * with a scripted transport and a hand-driven clock so that time passes without sleeping.
 */
class PollerLimitsTests {

    private static final int R = ReadyEvents.READABLE;

    private static final long MS = 1_000_000L;

    private final FakeTransport fake = new FakeTransport();

    private final RecordingListener listener = new RecordingListener();

    private long now = 1_000 * MS;

    private Poller open(PollerLimits limits) throws Exception {
        ListenSpec spec = new ListenSpec(InetAddress.getLoopbackAddress(), 0, 0, true, false, false);
        return Poller.open(new PollerConfig("limits", spec, 16, limits), this.fake.transport(), 64, this.listener,
                () -> this.now);
    }

    @Test
    void connectionsBeyondTheListenerLimitAreRejectedAndClosedAtOnce() throws Exception {
        Poller poller = open(new PollerLimits(2, 0, Duration.ZERO));
        accept(poller, 10, 11, 12);
        assertThat(this.listener.opened).hasSize(2);
        assertThat(this.listener.events).contains("rejected:limits:MAX_CONNECTIONS");
        assertThat(this.fake.openFds).doesNotContain(12).contains(10, 11);
        assertThat(poller.stats().rejected(RejectReason.MAX_CONNECTIONS)).isEqualTo(1);
        assertThat(poller.stats().activeConnections()).isEqualTo(2);
    }

    @Test
    void connectionsBeyondThePerAddressLimitAreRejectedUntilOneCloses() throws Exception {
        Poller poller = open(new PollerLimits(0, 1, Duration.ZERO));
        accept(poller, 10, 11);
        assertThat(this.listener.events).contains("rejected:limits:MAX_CONNECTIONS_PER_ADDRESS");
        long first = this.listener.opened.get(0).id();
        this.fake.reads(10, 0);
        this.fake.batch(event(first, R));
        poller.runOnce(-1);
        accept(poller, 11);
        assertThat(this.listener.opened).hasSize(2);
        assertThat(poller.stats().rejected()).isEqualTo(1);
    }

    @Test
    void aConnectionSilentForTheIdleTimeoutIsClosedAndABusyOneIsNot() throws Exception {
        Poller poller = open(new PollerLimits(0, 0, Duration.ofMillis(100)));
        accept(poller, 10, 11);
        long quiet = this.listener.opened.get(0).id();
        long busy = this.listener.opened.get(1).id();
        this.now += 60 * MS;
        this.fake.reads(11, "x".getBytes());
        this.fake.batch(event(busy, R));
        poller.runOnce(-1);
        this.now += 70 * MS;
        poller.runOnce(-1);
        assertThat(this.listener.events).contains("closed:" + quiet + ":IDLE_TIMEOUT")
            .noneMatch((e) -> e.startsWith("closed:" + busy));
        assertThat(poller.stats().closed(CloseReason.IDLE_TIMEOUT)).isEqualTo(1);
    }

    @Test
    void runningOutOfDescriptorsPausesAcceptingAndATimerResumesIt() throws Exception {
        Poller poller = open(PollerLimits.NONE);
        accept(poller, -FakeTransport.EMFILE);
        assertThat(poller.stats().acceptPaused()).isTrue();
        assertThat(this.fake.readableChanges).containsExactly(FakeTransport.LISTEN_FD + ":false");
        // Nothing happens before the back-off (10 ms) has passed.
        this.now += 5 * MS;
        poller.runOnce(-1);
        assertThat(poller.stats().acceptPaused()).isTrue();
        this.now += 5 * MS;
        poller.runOnce(-1);
        assertThat(poller.stats().acceptPaused()).isFalse();
        assertThat(this.fake.readableChanges).containsExactly(FakeTransport.LISTEN_FD + ":false",
                FakeTransport.LISTEN_FD + ":true");
        // A second failure, before any accept succeeded, doubles the back-off and is the same episode.
        accept(poller, -FakeTransport.EMFILE);
        this.now += 10 * MS;
        poller.runOnce(-1);
        assertThat(poller.stats().acceptPaused()).isTrue();
        this.now += 10 * MS;
        poller.runOnce(-1);
        assertThat(poller.stats().acceptPaused()).isFalse();
        assertThat(poller.stats().acceptPauses()).isEqualTo(1);
        // After a successful accept, running out again is a new episode.
        accept(poller, 10, -FakeTransport.EMFILE);
        assertThat(poller.stats().acceptPauses()).isEqualTo(2);
    }

    @Test
    void aClosingConnectionResumesAPausedAcceptWithoutWaitingForTheTimer() throws Exception {
        Poller poller = open(PollerLimits.NONE);
        accept(poller, 10, -FakeTransport.EMFILE);
        assertThat(poller.stats().acceptPaused()).isTrue();
        this.fake.reads(10, 0);
        this.fake.batch(event(this.listener.opened.get(0).id(), R));
        poller.runOnce(-1);
        assertThat(poller.stats().acceptPaused()).isFalse();
    }

    @Test
    @Timeout(10)
    void drainClosesTheListenerAtOnceAndEndsWhenTheLastConnectionCloses() throws Exception {
        Poller poller = open(PollerLimits.NONE);
        accept(poller, 10);
        long id = this.listener.opened.get(0).id();
        poller.drain(Duration.ofSeconds(30));
        poller.runOnce(-1);
        assertThat(this.fake.openFds).doesNotContain(FakeTransport.LISTEN_FD).contains(10);
        this.fake.reads(10, "tail".getBytes());
        this.fake.batch(new long[] { id, R | ReadyEvents.EOF, 4, 0 });
        poller.run();
        assertThat(this.listener.events).endsWith("read:" + id + ":tail", "eof:" + id, "closed:" + id + ":PEER_CLOSED");
        assertThat(this.fake.closed).isTrue();
    }

    @Test
    @Timeout(10)
    void drainClosesWhatIsStillOpenAtTheDeadlineWithReasonShutdown() throws Exception {
        Poller poller = open(PollerLimits.NONE);
        accept(poller, 10);
        long id = this.listener.opened.get(0).id();
        poller.drain(Duration.ofMillis(100));
        poller.runOnce(-1);
        this.now += 100 * MS;
        poller.run();
        assertThat(this.listener.events).endsWith("closed:" + id + ":SHUTDOWN");
        assertThat(this.fake.openFds).isEmpty();
    }

    private void accept(Poller poller, Integer... fds) throws Exception {
        this.fake.pendingAccepts.addAll(List.of(fds));
        this.fake.batch(event(Poller.LISTENER_ID, R));
        poller.runOnce(-1);
    }

    private static long[] event(long id, int flags) {
        return new long[] { id, flags, -1, 0 };
    }

}
