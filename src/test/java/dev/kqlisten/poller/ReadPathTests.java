package dev.kqlisten.poller;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.kqlisten.connection.Connection;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.framing.FrameError;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReadPath} against scripted reads: read sizes, when EOF counts as complete on kqueue
 * (a byte count) and on epoll (none), and the drain before an error. Delivery to both kinds of
 * data receiver is covered through the whole loop in {@code PollerTests}.
 */
class ReadPathTests {

    private static final int FD = 10;

    private final FakeTransport fake = new FakeTransport();

    private final RecordingListener listener = new RecordingListener();

    private final PollerStats stats = new PollerStats();

    private final List<String> ends = new ArrayList<>();

    private final ReadPath reads = new ReadPath(this.fake.sockets, 16, this.listener, this.stats, new ReadPath.Ends() {

        @Override
        public void peerClosed(Connection connection) {
            ReadPathTests.this.ends.add("eof");
        }

        @Override
        public void failed(Connection connection, int rawErrno) {
            ReadPathTests.this.ends.add("failed:" + rawErrno);
        }

        @Override
        public void framingFailed(Connection connection, FrameError error) {
            ReadPathTests.this.ends.add("framing:" + error);
        }

    });

    private final Connection connection = new Connection(new ConnectionInfo(1, "test",
            new InetSocketAddress("127.0.0.1", 40000), new InetSocketAddress("127.0.0.1", 1815), Instant.EPOCH), FD, 0);

    @Test
    void kqueueReadsWhatIsReportedAndEndsAfterTheLastPendingByte() {
        this.fake.reads(FD, bytes("abc"), bytes("0123456789abcdef"), bytes("z"));
        this.reads.ready(this.connection, false, 0, 3, true, 1);
        assertThat(this.ends).containsExactly("eof");
        this.ends.clear();
        // More pending than one buffer: no EOF until the rest is read.
        this.reads.ready(this.connection, false, 0, 17, true, 2);
        assertThat(this.ends).isEmpty();
        this.reads.ready(this.connection, false, 0, 1, true, 3);
        assertThat(this.ends).containsExactly("eof");
        assertThat(this.fake.readSizes).containsExactly(3, 16, 1);
        assertThat(this.stats.bytesRead()).isEqualTo(20);
        assertThat(this.connection.lastReadNanos()).isEqualTo(3);
    }

    @Test
    void epollTakesAShortReadAfterRdhupAsTheEndAndAFullOneAsMoreToCome() {
        this.fake.reads(FD, bytes("0123456789abcdef"), bytes("tail"));
        this.reads.ready(this.connection, false, 0, -1, true, 1);
        assertThat(this.ends).isEmpty();
        this.reads.ready(this.connection, false, 0, -1, true, 2);
        assertThat(this.ends).containsExactly("eof");
        assertThat(this.fake.readSizes).containsExactly(16, 16);
        assertThat(this.listener.events).containsExactly("read:1:0123456789abcdef", "read:1:tail");
    }

    @Test
    void aPendingErrorIsReportedAfterEveryReadableByte() {
        this.fake.reads(FD, bytes("last"), bytes("words"), -FakeTransport.ECONNRESET);
        this.reads.ready(this.connection, true, FakeTransport.ECONNRESET, 9, true, 1);
        assertThat(this.listener.events).containsExactly("read:1:last", "read:1:words");
        assertThat(this.ends).containsExactly("failed:" + FakeTransport.ECONNRESET);
    }

    @Test
    void anErrorLeftOnTheSocketIsCollectedBeforeTheRemainingBytes() {
        // epoll: EPOLLERR carries no errno. SO_ERROR is read (and cleared) first, so the reads
        // that follow end in 0, which must not turn the reset into an orderly EOF.
        this.fake.pendingErrors.put(FD, FakeTransport.ECONNRESET);
        this.fake.reads(FD, bytes("last"), 0);
        this.reads.ready(this.connection, true, 0, -1, true, 1);
        assertThat(this.listener.events).containsExactly("read:1:last");
        assertThat(this.ends).containsExactly("failed:" + FakeTransport.ECONNRESET);
        assertThat(this.fake.pendingErrors).isEmpty();
    }

    @Test
    void anErrorEventWithNoErrorLeftOnTheSocketIsReadLikeAnyOther() {
        this.fake.reads(FD, bytes("abc"));
        this.reads.ready(this.connection, true, 0, -1, false, 1);
        assertThat(this.listener.events).containsExactly("read:1:abc");
        assertThat(this.ends).isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

}
