package dev.kqlisten.poller;

import java.net.InetAddress;
import java.util.List;

import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.ReadyEvents;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The descriptor budget shared by pollers: accepting pauses when connections hold every slot,
 * pending clients stay in the accept queue (no accept, no close), and a closing connection of
 * any poller lets the next one in. A scripted transport and a hand-driven clock.
 */
class DescriptorBudgetTests {

    private static final int R = ReadyEvents.READABLE;

    private static final long MS = 1_000_000L;

    private final FakeTransport fake = new FakeTransport();

    private final RecordingListener listener = new RecordingListener();

    private long now = 1_000 * MS;

    @Test
    void acceptingPausesAtTheBudgetAndTheQueuedClientIsNotAccepted() throws Exception {
        DescriptorBudget budget = new DescriptorBudget(2, "test");
        Poller poller = open("a", this.fake, this.listener, budget, PollerLimits.NONE);
        accept(poller, this.fake, 10, 11, 12);
        assertThat(this.listener.opened).hasSize(2);
        assertThat(this.fake.pendingAccepts).containsExactly(12);
        assertThat(this.fake.openFds).doesNotContain(12);
        assertThat(this.listener.events).noneMatch((e) -> e.startsWith("rejected"));
        assertThat(poller.stats().acceptPaused()).isTrue();
        assertThat(poller.stats().acceptPauses(AcceptPauseReason.DESCRIPTOR_RESERVE)).isEqualTo(1);
        assertThat(poller.stats().acceptPauses(AcceptPauseReason.DESCRIPTORS_EXHAUSTED)).isZero();
        assertThat(this.fake.readableChanges).containsExactly(FakeTransport.LISTEN_FD + ":false");
        assertThat(budget.used()).isEqualTo(2);
    }

    @Test
    void aSpentBudgetSetsNoTimerOnlyAClosingConnectionResumes() throws Exception {
        DescriptorBudget budget = new DescriptorBudget(1, "test");
        Poller poller = open("a", this.fake, this.listener, budget, PollerLimits.NONE);
        accept(poller, this.fake, 10, 11);
        assertThat(poller.stats().acceptPaused()).isTrue();
        // Time passes: no back-off timer re-enables the listener while the budget is spent.
        this.now += 5_000 * MS;
        poller.runOnce(0);
        assertThat(poller.stats().acceptPaused()).isTrue();
        closeByPeer(poller, this.fake, 10, this.listener.opened.get(0).id());
        assertThat(poller.stats().acceptPaused()).isFalse();
        assertThat(this.fake.readableChanges).containsExactly(FakeTransport.LISTEN_FD + ":false",
                FakeTransport.LISTEN_FD + ":true");
        accept(poller, this.fake);
        assertThat(this.listener.opened).hasSize(2);
        assertThat(this.fake.openFds).contains(11);
        assertThat(budget.used()).isEqualTo(1);
    }

    @Test
    void aSustainedFloodIsOneEpisodeHoweverManyClientsGetInOneByOne() throws Exception {
        DescriptorBudget budget = new DescriptorBudget(1, "test");
        Poller poller = open("a", this.fake, this.listener, budget, PollerLimits.NONE);
        accept(poller, this.fake, 10, 11, 12, 13);
        for (int fd = 10; fd < 13; fd++) {
            long id = this.listener.opened.get(this.listener.opened.size() - 1).id();
            this.now += MS;
            closeByPeer(poller, this.fake, fd, id);
            accept(poller, this.fake);
        }
        assertThat(this.listener.opened).hasSize(4);
        assertThat(poller.stats().acceptPauses()).isEqualTo(1);
        // The queue is empty now: accepting reaches EAGAIN, which ends the episode.
        closeByPeer(poller, this.fake, 13, this.listener.opened.get(3).id());
        accept(poller, this.fake);
        accept(poller, this.fake, 14, 15);
        assertThat(poller.stats().acceptPauses()).isEqualTo(2);
    }

    @Test
    void aRejectedConnectionGivesItsSlotBack() throws Exception {
        DescriptorBudget budget = new DescriptorBudget(5, "test");
        Poller poller = open("a", this.fake, this.listener, budget, new PollerLimits(1, 0, java.time.Duration.ZERO));
        accept(poller, this.fake, 10, 11, 12);
        assertThat(this.listener.events).contains("rejected:a:MAX_CONNECTIONS");
        assertThat(budget.used()).isEqualTo(1);
        assertThat(poller.stats().acceptPaused()).isFalse();
    }

    @Test
    void aConnectionClosingOnOnePollerWakesAnotherPausedOnTheSharedBudget() throws Exception {
        DescriptorBudget budget = new DescriptorBudget(1, "test");
        FakeTransport otherFake = new FakeTransport();
        RecordingListener otherListener = new RecordingListener();
        Poller first = open("a", this.fake, this.listener, budget, PollerLimits.NONE);
        Poller second = open("b", otherFake, otherListener, budget, PollerLimits.NONE);
        accept(first, this.fake, 10);
        accept(second, otherFake, 20);
        assertThat(otherListener.opened).isEmpty();
        assertThat(second.stats().acceptPaused()).isTrue();
        int wakeups = otherFake.wakeups;

        closeByPeer(first, this.fake, 10, this.listener.opened.get(0).id());
        assertThat(otherFake.wakeups).isEqualTo(wakeups + 1);
        second.runOnce(0);
        assertThat(second.stats().acceptPaused()).isFalse();
        accept(second, otherFake);
        assertThat(otherListener.opened).hasSize(1);
        assertThat(budget.used()).isEqualTo(1);
    }

    @Test
    void aClosedPollerLeavesTheBudget() throws Exception {
        DescriptorBudget budget = new DescriptorBudget(1, "test");
        Poller first = open("a", this.fake, this.listener, budget, PollerLimits.NONE);
        accept(first, this.fake, 10);
        first.shutdown();
        first.run();
        assertThat(budget.used()).isZero();
        FakeTransport otherFake = new FakeTransport();
        Poller second = open("b", otherFake, new RecordingListener(), budget, PollerLimits.NONE);
        accept(second, otherFake, 20, 21);
        assertThat(second.stats().acceptPaused()).isTrue();
    }

    @Test
    void capacityMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> new DescriptorBudget(0, "test"));
        assertThat(DescriptorBudget.unlimited().isUnlimited()).isTrue();
    }

    private Poller open(String name, FakeTransport transport, RecordingListener recorder, DescriptorBudget budget,
            PollerLimits limits) throws Exception {
        ListenSpec spec = new ListenSpec(InetAddress.getLoopbackAddress(), 0, 0, true, false, false);
        return Poller.open(new PollerConfig(name, spec, 16, limits, budget), transport.transport(), 64, recorder,
                () -> this.now);
    }

    private static void accept(Poller poller, FakeTransport transport, Integer... fds) throws Exception {
        transport.pendingAccepts.addAll(List.of(fds));
        transport.batch(new long[] { Poller.LISTENER_ID, R, -1, 0 });
        poller.runOnce(0);
    }

    private static void closeByPeer(Poller poller, FakeTransport transport, int fd, long id) throws Exception {
        transport.reads(fd, 0);
        transport.batch(new long[] { id, R, -1, 0 });
        poller.runOnce(0);
    }

}
