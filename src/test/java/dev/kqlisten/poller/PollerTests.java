package dev.kqlisten.poller;

import java.net.InetAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.ReadyEvents;
import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.Sockets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static dev.kqlisten.poller.Script.bytes;
import static dev.kqlisten.poller.Script.event;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loop's decisions, driven through a scripted {@link FakeTransport}: ordering, sizing of
 * reads, what happens to late events, failure containment. Runs on any OS.
 */
class PollerTests {

    private static final int R = ReadyEvents.READABLE;

    private static final int EOF = ReadyEvents.EOF;

    private static final int ERR = ReadyEvents.ERROR;

    private final FakeTransport fake = new FakeTransport();

    private final RecordingListener listener = new RecordingListener();

    private Poller poller;

    @BeforeEach
    void open() throws Exception {
        ListenSpec spec = new ListenSpec(InetAddress.getLoopbackAddress(), 0, 0, true, false, false);
        this.poller = Poller.open(new PollerConfig("test", spec, 16), this.fake.transport(), 64, this.listener);
    }

    @Test
    void listenerIsRegisteredWithReservedId() {
        assertThat(this.fake.registered).containsEntry(FakeTransport.LISTEN_FD, Poller.LISTENER_ID);
        assertThat(this.poller.localAddress().getPort()).isEqualTo(4242);
    }

    @Test
    void bytesPendingWithEofAreDeliveredBeforeEofAndCloseComesLast() throws Exception {
        long id = acceptOne(10);
        this.fake.reads(10, bytes("hello"));
        this.fake.batch(event(id, R | EOF, 5, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).containsExactly("opened:" + id, "read:" + id + ":hello", "eof:" + id,
                "closed:" + id + ":PEER_CLOSED");
        assertThat(this.fake.openFds).containsExactly(FakeTransport.LISTEN_FD);
        assertThat(this.poller.stats().bytesRead()).isEqualTo(5);
        assertThat(this.poller.stats().activeConnections()).isZero();
    }

    @Test
    void withoutADataReceiverBytesAreCountedButNotHandedOver() throws Exception {
        long id = acceptOne(10);
        this.listener.wantsData = false;
        this.fake.reads(10, bytes("hello"));
        this.fake.batch(event(id, R, 5, 0));
        this.poller.runOnce(-1);
        this.listener.wantsData = true;
        this.fake.reads(10, bytes("world"));
        this.fake.batch(event(id, R, 5, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).containsExactly("opened:" + id, "read:" + id + ":world");
        assertThat(this.poller.stats().bytesRead()).isEqualTo(10);
        assertThat(this.poller.stats().reads()).isEqualTo(2);
        assertThat(this.poller.stats().dataEvents()).isEqualTo(1);
    }

    @Test
    void borrowedDataIsLentReadOnlyBeforeTheCopyAndAloneWhenNoCopyIsWanted() throws Exception {
        long id = acceptOne(10);
        this.listener.wantsBorrowedData = true;
        this.fake.reads(10, bytes("hello"));
        this.fake.batch(event(id, R, 5, 0));
        this.poller.runOnce(-1);
        this.listener.wantsData = false;
        this.fake.reads(10, bytes("world!"));
        this.fake.batch(event(id, R, 6, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).containsExactly("opened:" + id, "borrowed:" + id + ":hello",
                "read:" + id + ":hello", "borrowed:" + id + ":world!");
        assertThat(this.listener.borrowedReadOnly).isTrue();
        assertThat(this.poller.stats().dataEvents()).isEqualTo(2);
    }

    @Test
    void aThrowingBorrowedReceiverDoesNotCostTheCopyReceiverItsBytes() throws Exception {
        long id = acceptOne(10);
        this.listener.wantsBorrowedData = true;
        this.listener.failure = new IllegalStateException("listener bug");
        this.fake.reads(10, bytes("abc"));
        this.fake.batch(event(id, R, 3, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).containsExactly("opened:" + id, "borrowed:" + id + ":abc",
                "read:" + id + ":abc");
        assertThat(this.poller.stats().listenerFailures()).isEqualTo(2);
    }

    @Test
    void readIsSizedByAvailableBytesAndCappedByTheBuffer() throws Exception {
        long id = acceptOne(10);
        this.fake.reads(10, bytes("abc"), bytes("0123456789abcdefXYZ"));
        this.fake.batch(event(id, R, 3, 0));
        this.poller.runOnce(-1);
        this.fake.batch(event(id, R, 19, 0));
        this.poller.runOnce(-1);
        assertThat(this.fake.readSizes).containsExactly(3, 16);
        assertThat(this.listener.events).contains("read:" + id + ":abc", "read:" + id + ":0123456789abcdef");
        assertThat(this.listener.events).noneMatch((e) -> e.startsWith("eof"));
    }

    @Test
    void eofWithMoreBytesThanOneBufferWaitsForTheNextReport() throws Exception {
        long id = acceptOne(10);
        this.fake.reads(10, bytes("0123456789abcdef"), bytes("tail"));
        this.fake.batch(event(id, R | EOF, 20, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).noneMatch((e) -> e.startsWith("eof"));
        this.fake.batch(event(id, R | EOF, 4, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).endsWith("read:" + id + ":tail", "eof:" + id, "closed:" + id + ":PEER_CLOSED");
    }

    @Test
    void unknownAvailabilityReadsUntilAShortReadBeforeEof() throws Exception {
        long id = acceptOne(10);
        this.fake.reads(10, bytes("0123456789abcdef"), bytes("end"));
        this.fake.batch(event(id, R | EOF, -1, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).noneMatch((e) -> e.startsWith("eof"));
        this.fake.batch(event(id, R | EOF, -1, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).endsWith("read:" + id + ":end", "eof:" + id, "closed:" + id + ":PEER_CLOSED");
    }

    @Test
    void readReturningZeroIsEof() throws Exception {
        long id = acceptOne(10);
        this.fake.reads(10, 0);
        this.fake.batch(event(id, R, -1, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).endsWith("eof:" + id, "closed:" + id + ":PEER_CLOSED");
    }

    /** kqueue reports EVFILT_WRITE as an entry of its own, whose data is the send buffer's room. */
    @Test
    void aWritableOnlyEntryIsNoReadAndACombinedEntryReads() throws Exception {
        long id = acceptOne(10);
        this.fake.reads(10, bytes("abc"));
        this.fake.batch(event(id, ReadyEvents.WRITABLE, 65536, 0));
        this.poller.runOnce(-1);
        assertThat(this.fake.readSizes).isEmpty();
        this.fake.batch(event(id, R | ReadyEvents.WRITABLE, 3, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).containsExactly("opened:" + id, "read:" + id + ":abc");
        assertThat(this.fake.readSizes).containsExactly(3);
    }

    @Test
    void pendingErrorDeliversRemainingBytesThenClosesWithReset() throws Exception {
        long id = acceptOne(10);
        this.fake.reads(10, bytes("last"), Sockets.AGAIN);
        this.fake.batch(event(id, R | EOF | ERR, 4, FakeTransport.ECONNRESET));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).containsExactly("opened:" + id, "read:" + id + ":last",
                "closed:" + id + ":RESET:ECONNRESET");
    }

    @Test
    void endOfStreamAfterACollectedErrorIsStillAReset() throws Exception {
        // epoll's EPOLLERR carries no errno: the poller reads SO_ERROR, which clears it, and the
        // next read then returns 0.
        long id = acceptOne(10);
        this.fake.pendingErrors.put(10, FakeTransport.ECONNRESET);
        this.fake.reads(10, bytes("last"), 0);
        this.fake.batch(event(id, R | EOF | ERR, -1, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).containsExactly("opened:" + id, "read:" + id + ":last",
                "closed:" + id + ":RESET:ECONNRESET");
    }

    @Test
    void failedReadClosesWithTheErrno() throws Exception {
        long id = acceptOne(10);
        this.fake.reads(10, -FakeTransport.ECONNRESET);
        this.fake.batch(event(id, R, -1, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).endsWith("closed:" + id + ":RESET:ECONNRESET");
    }

    @Test
    void aFailedReadAfterAFailedAcceptReportsItsOwnErrno() throws Exception {
        // Each call returns its own errno. Were it kept between calls, the read's failure would
        // be named after the accept's EMFILE (an ERROR close), not its own reset.
        long id = acceptOne(10);
        this.fake.pendingAccepts.add(-FakeTransport.EMFILE);
        this.fake.reads(10, -FakeTransport.ECONNRESET);
        this.fake.batch(event(Poller.LISTENER_ID, R, 1, 0), event(id, R, -1, 0));
        this.poller.runOnce(-1);
        assertThat(this.poller.stats().acceptErrors(Errno.EMFILE)).isEqualTo(1);
        assertThat(this.listener.events).endsWith("closed:" + id + ":RESET:ECONNRESET");
    }

    @Test
    void unknownErrnoIsNamedByNumber() throws Exception {
        long id = acceptOne(10);
        this.fake.batch(event(id, ERR, 0, 9999));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).endsWith("closed:" + id + ":ERROR:errno 9999");
    }

    @Test
    void eventsForAConnectionClosedEarlierInTheBatchAreDropped() throws Exception {
        long id = acceptOne(10);
        this.fake.reads(10, -FakeTransport.ECONNRESET, bytes("late"));
        this.fake.batch(event(id, R, -1, 0), event(id, R, -1, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).containsExactly("opened:" + id, "closed:" + id + ":RESET:ECONNRESET");
        assertThat(this.fake.forgotten).containsExactly(10);
    }

    @Test
    void aReusedDescriptorGetsANewIdAndStaleEventsNeverReachIt() throws Exception {
        long first = acceptOne(10);
        this.fake.reads(10, 0);
        this.fake.batch(event(first, R, -1, 0));
        this.poller.runOnce(-1);
        long second = acceptOne(10);
        assertThat(second).isNotEqualTo(first);
        this.fake.reads(10, bytes("new"));
        this.fake.batch(event(first, R | EOF, 0, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).doesNotContain("read:" + second + ":new", "eof:" + second);
        this.fake.batch(event(second, R, 3, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).contains("read:" + second + ":new");
    }

    @Test
    void acceptTakesEveryPendingConnectionInOneEvent() throws Exception {
        this.fake.pendingAccepts.addAll(java.util.List.of(10, 11, 12));
        this.fake.batch(event(Poller.LISTENER_ID, R, 3, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.opened).hasSize(3);
        assertThat(this.fake.registered).containsKeys(10, 11, 12);
        assertThat(this.poller.stats().accepted()).isEqualTo(3);
        assertThat(this.poller.stats().activeConnections()).isEqualTo(3);
    }

    @Test
    void aThrowingListenerIsCountedAndTheConnectionGoesOn() throws Exception {
        this.listener.failure = new IllegalStateException("boom");
        long id = acceptOne(10);
        this.fake.reads(10, bytes("one"), bytes("two"));
        this.fake.batch(event(id, R, 3, 0));
        this.poller.runOnce(-1);
        this.fake.batch(event(id, R, 3, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).containsExactly("opened:" + id, "read:" + id + ":one", "read:" + id + ":two");
        assertThat(this.poller.stats().listenerFailures()).isEqualTo(3);
    }

    @Test
    @Timeout(10)
    void shutdownClosesEveryConnectionTheListenerAndTheTransport() throws Exception {
        long a = acceptOne(10);
        long b = acceptOne(11);
        this.poller.shutdown();
        this.poller.run();
        assertThat(this.listener.events).contains("closed:" + a + ":SHUTDOWN", "closed:" + b + ":SHUTDOWN");
        assertThat(this.fake.openFds).isEmpty();
        assertThat(this.fake.closed).isTrue();
    }

    @Test
    @Timeout(10)
    void aLoopFailureIsCountedAndTheLoopGoesOn() throws Exception {
        this.fake.awaitFailure = new IllegalStateException("injected");
        CountDownLatch ran = new CountDownLatch(1);
        Thread loop = new Thread(this.poller, "kqlisten-poller-test");
        loop.start();
        this.poller.execute(ran::countDown);
        try {
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(this.poller.stats().loopFailures()).isEqualTo(1);
        }
        finally {
            this.poller.shutdown();
            loop.join(5000);
        }
        assertThat(loop.isAlive()).isFalse();
    }

    @Test
    void wakeUpsFromOtherThreadsAreCoalescedUntilTheLoopRuns() throws Exception {
        this.poller.execute(() -> {
        });
        this.poller.execute(() -> {
        });
        assertThat(this.fake.wakeups).isEqualTo(1);
        this.poller.runOnce(-1);
        assertThat(this.poller.stats().wakeups()).isEqualTo(1);
        this.poller.execute(() -> {
        });
        assertThat(this.fake.wakeups).isEqualTo(2);
        this.poller.runOnce(-1);
        assertThat(this.poller.stats().wakeups()).isEqualTo(2);
        // A loop iteration without a request counts none.
        this.poller.runOnce(-1);
        assertThat(this.poller.stats().wakeups()).isEqualTo(2);
    }

    @Test
    void closeUnstartedReleasesTheListener() {
        this.poller.closeUnstarted();
        assertThat(this.fake.openFds).isEmpty();
        assertThat(this.fake.closed).isTrue();
    }

    @Test
    void snapshotsAreTakenOnTheLoopAndListOpenConnectionsWithTheirBytes() throws Exception {
        long id = acceptOne(10);
        this.fake.reads(10, bytes("abcd"));
        this.fake.batch(event(id, R, 4, 0));
        this.poller.runOnce(-1);
        var snapshot = this.poller.connections();
        assertThat(snapshot).isNotDone();
        this.poller.runOnce(-1);
        assertThat(snapshot.get(1, TimeUnit.SECONDS)).singleElement().satisfies((c) -> {
            assertThat(c.info().id()).isEqualTo(id);
            assertThat(c.bytesRead()).isEqualTo(4);
            assertThat(c.idle().isNegative()).isFalse();
        });
    }

    @Test
    void closeByIdClosesWithTheGivenReasonAndCountsIt() throws Exception {
        long id = acceptOne(10);
        var closed = this.poller.close(id, dev.kqlisten.connection.CloseReason.OPERATOR);
        var unknown = this.poller.close(id + 1000, dev.kqlisten.connection.CloseReason.OPERATOR);
        this.poller.runOnce(-1);
        assertThat(closed.get(1, TimeUnit.SECONDS)).isTrue();
        assertThat(unknown.get(1, TimeUnit.SECONDS)).isFalse();
        assertThat(this.listener.events).endsWith("closed:" + id + ":OPERATOR");
        assertThat(this.poller.stats().closed(dev.kqlisten.connection.CloseReason.OPERATOR)).isEqualTo(1);
        assertThat(this.poller.stats().closed()).isEqualTo(1);
    }

    @Test
    void commandsAfterTheLoopEndedStillComplete() throws Exception {
        this.poller.closeUnstarted();
        assertThat(this.poller.connections().get(1, TimeUnit.SECONDS)).isEmpty();
        assertThat(this.poller.close(1, dev.kqlisten.connection.CloseReason.OPERATOR).get(1, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void theObserverSeesEachIterationAndDispatchTimeIsClearedAfterwards() throws Exception {
        java.util.List<Integer> seen = new java.util.ArrayList<>();
        this.poller.observe((events, nanos) -> {
            assertThat(nanos).isNotNegative();
            seen.add(events);
        });
        acceptOne(10);
        this.fake.batch(event(999, R, 1, 0), event(998, R, 1, 0));
        this.poller.runOnce(-1);
        assertThat(seen).containsExactly(1, 2);
        assertThat(this.poller.stats().dispatchStartedNanos()).isZero();
    }

    @Test
    void readsSuspendedFromACallbackResumeFromAnotherThreadThroughTheLoop() throws Exception {
        long id = acceptOne(10);
        this.poller.suspendReads(id);
        this.poller.suspendReads(id);
        assertThat(this.fake.readableChanges).containsExactly("10:false");
        Thread other = new Thread(() -> this.poller.resumeReads(id));
        other.start();
        other.join(5000);
        assertThat(this.fake.readableChanges).containsExactly("10:false");
        this.poller.runOnce(-1);
        assertThat(this.fake.readableChanges).containsExactly("10:false", "10:true");
    }

    private long acceptOne(int fd) throws Exception {
        return Script.acceptOne(this.fake, this.poller, this.listener, fd);
    }

}
