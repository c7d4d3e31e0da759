package dev.kqlisten.poller;

import java.net.InetAddress;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.kqlisten.framing.FrameError;
import dev.kqlisten.framing.Framing;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.ReadyEvents;

import static dev.kqlisten.poller.Script.bytes;
import static dev.kqlisten.poller.Script.event;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A listener with a framing (lines of at most 8 bytes, 16-byte reads), driven through the
 * scripted {@link FakeTransport}: frames across reads, the order of callbacks, and how a
 * framing error and a partial frame end a connection.
 */
class FramedPollerTests {

    private static final int R = ReadyEvents.READABLE;

    private static final int EOF = ReadyEvents.EOF;

    private static final int ERR = ReadyEvents.ERROR;

    private final FakeTransport fake = new FakeTransport();

    private final RecordingListener listener = new RecordingListener();

    private Poller poller;

    @BeforeEach
    void open() throws Exception {
        ListenSpec spec = new ListenSpec(InetAddress.getLoopbackAddress(), 0, 0, true, false, false);
        PollerConfig config = new PollerConfig("test", spec, 16, PollerLimits.NONE, DescriptorBudget.unlimited(),
                Framing.lines(8));
        this.poller = Poller.open(config, this.fake.transport(), 64, this.listener);
        this.listener.wantsData = false;
        this.listener.wantsFrames = true;
    }

    @Test
    void framesSpanReadsAndSeveralComeFromOneRead() throws Exception {
        long id = acceptOne(10);
        read(id, "one\ntw");
        read(id, "o\r\nthree\nfo");
        assertThat(this.listener.events).containsExactly("opened:" + id, "frame:" + id + ":one", "frame:" + id + ":two",
                "frame:" + id + ":three");
        assertThat(this.poller.stats().frames()).isEqualTo(3);
    }

    @Test
    void aBorrowedFrameComesBeforeItsCopyAndRawReadsBeforeTheirFrames() throws Exception {
        long id = acceptOne(10);
        this.listener.wantsBorrowedFrames = true;
        this.listener.wantsData = true;
        read(id, "ab\ncd");
        read(id, "\n");
        assertThat(this.listener.events).containsExactly("opened:" + id, "read:" + id + ":ab\ncd",
                "borrowedFrame:" + id + ":ab", "frame:" + id + ":ab", "read:" + id + ":\n",
                "borrowedFrame:" + id + ":cd", "frame:" + id + ":cd");
        assertThat(this.listener.borrowedReadOnly).isTrue();
    }

    @Test
    void framesAreCountedAlsoWhenNobodyReceivesThem() throws Exception {
        long id = acceptOne(10);
        this.listener.wantsFrames = false;
        read(id, "a\nb\nc\n");
        assertThat(this.listener.events).containsExactly("opened:" + id);
        assertThat(this.poller.stats().frames()).isEqualTo(3);
    }

    @Test
    void anOverlongFrameIsReportedWithItsOffsetAndClosesTheConnection() throws Exception {
        long id = acceptOne(10);
        read(id, "ok\n123456789\nx\n");
        assertThat(this.listener.events).containsExactly("opened:" + id, "frame:" + id + ":ok",
                "frameError:" + id + ":FRAME_TOO_LONG@3", "closed:" + id + ":FRAME_TOO_LONG");
        assertThat(this.fake.openFds).containsExactly(FakeTransport.LISTEN_FD);
        assertThat(this.poller.stats().frameErrors(FrameError.FRAME_TOO_LONG)).isEqualTo(1);
        assertThat(this.poller.stats().closed(dev.kqlisten.connection.CloseReason.FRAME_TOO_LONG)).isEqualTo(1);
    }

    @Test
    void aMalformedFrameClosesWithWhatWasMalformed() throws Exception {
        this.poller.closeUnstarted();
        FakeTransport fake = new FakeTransport();
        RecordingListener listener = new RecordingListener();
        ListenSpec spec = new ListenSpec(InetAddress.getLoopbackAddress(), 0, 0, true, false, false);
        PollerConfig config = new PollerConfig("test", spec, 16, PollerLimits.NONE, DescriptorBudget.unlimited(),
                new Framing(Framing.Mode.OCTET_COUNTING, 100, (byte) 0, 4, false, false));
        Poller octets = Poller.open(config, fake.transport(), 64, listener);
        listener.wantsData = false;
        listener.wantsFrames = true;
        long id = Script.acceptOne(fake, octets, listener, 10);
        fake.reads(10, bytes("2 ok<13>no count\n"));
        fake.batch(event(id, R, 17, 0));
        octets.runOnce(-1);
        assertThat(listener.events).containsExactly("opened:" + id, "frame:" + id + ":ok",
                "frameError:" + id + ":BAD_OCTET_COUNT@4", "closed:" + id + ":MALFORMED_FRAME:BAD_OCTET_COUNT");
        assertThat(octets.stats().frameErrors(FrameError.BAD_OCTET_COUNT)).isEqualTo(1);
    }

    @Test
    void theFrameInProgressAtEofIsReportedBeforeTheEof() throws Exception {
        long id = acceptOne(10);
        read(id, "one\npar");
        this.fake.reads(10, bytes("tial"));
        this.fake.batch(event(id, R | EOF, 4, 0));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).containsExactly("opened:" + id, "frame:" + id + ":one",
                "partial:" + id + ":partial@4", "eof:" + id, "closed:" + id + ":PEER_CLOSED");
        assertThat(this.poller.stats().partialFrames()).isEqualTo(1);
    }

    @Test
    void theFrameInProgressIsReportedWhenAResetEndsTheConnection() throws Exception {
        long id = acceptOne(10);
        read(id, "abc");
        this.fake.batch(event(id, ERR, 0, FakeTransport.ECONNRESET));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).containsExactly("opened:" + id, "partial:" + id + ":abc@0",
                "closed:" + id + ":RESET:ECONNRESET");
    }

    @Test
    void aFramingErrorWhileDrainingBeforeAnErrorStopsReadingTheClosedDescriptor() throws Exception {
        long id = acceptOne(10);
        this.fake.reads(10, bytes("1234567890"), bytes("more\n"));
        this.fake.batch(event(id, ERR, 0, FakeTransport.ECONNRESET));
        this.poller.runOnce(-1);
        assertThat(this.listener.events).containsExactly("opened:" + id, "frameError:" + id + ":FRAME_TOO_LONG@0",
                "closed:" + id + ":FRAME_TOO_LONG");
        assertThat(this.fake.openFds).containsExactly(FakeTransport.LISTEN_FD);
        assertThat(this.fake.readSizes).as("reads after the close").hasSize(1);
    }

    private void read(long id, String text) throws Exception {
        byte[] bytes = bytes(text);
        this.fake.reads(10, bytes);
        this.fake.batch(event(id, R, bytes.length, 0));
        this.poller.runOnce(-1);
    }

    private long acceptOne(int fd) throws Exception {
        return Script.acceptOne(this.fake, this.poller, this.listener, fd);
    }

}
