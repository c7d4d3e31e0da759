package dev.kqlisten.nativeio;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.sun.jna.Memory;

import dev.kqlisten.nativeio.unix.PosixLibc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The behaviour the poller relies on, run against every backend by one subclass each: real
 * sockets on loopback, plain JDK clients (so that a bug in our socket code cannot cancel one in
 * the multiplexer), every wait bounded.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
abstract class MultiplexerContractTests {

    static final long LISTENER = 1;

    static final long WAIT = TimeUnit.MILLISECONDS.toNanos(100);

    static final long PATIENCE = TimeUnit.SECONDS.toNanos(5);

    NativeTransport transport;

    Multiplexer mux;

    Sockets sockets;

    final ReadyEvents events = new ReadyEvents(64);

    final AcceptedPeer peer = new AcceptedPeer();

    final List<Socket> clients = new ArrayList<>();

    final List<Integer> fds = new ArrayList<>();

    /** The options that select the backend under test; aborts the test when it cannot run here. */
    abstract TransportOptions options();

    abstract String expectedBackend();

    @BeforeEach
    void open() {
        this.transport = Multiplexers.open(options());
        this.mux = this.transport.multiplexer();
        this.sockets = this.transport.sockets();
    }

    @AfterEach
    void closeAll() throws IOException {
        for (Socket client : this.clients) {
            client.close();
        }
        for (int fd : this.fds) {
            this.sockets.close(fd);
        }
        if (this.transport != null) {
            this.transport.close();
        }
    }

    @Test
    void reportsItsBackend() {
        assertThat(this.mux.backend()).isEqualTo(expectedBackend());
    }

    @Test
    void listensOnIpv4LoopbackWithAKernelChosenPort() throws Exception {
        int listenFd = listen("127.0.0.1");
        InetSocketAddress local = this.sockets.localAddress(listenFd);
        assertThat(local.getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(local.getPort()).isPositive();
        Socket client = connect(local);
        assertThat(client.isConnected()).isTrue();
    }

    @Test
    void listensOnIpv6LoopbackWithAKernelChosenPort() throws Exception {
        int listenFd = listen("::1");
        InetSocketAddress local = this.sockets.localAddress(listenFd);
        assertThat(local.getAddress()).isEqualTo(InetAddress.getByName("::1"));
        Socket client = connect(local);
        int fd = acceptOne(listenFd);
        assertThat(this.peer.remoteAddress()).isEqualTo(client.getLocalSocketAddress());
        assertThat(this.peer.fd()).isEqualTo(fd).isNotNegative();
    }

    @Test
    void listenerIsReportedReadableAndAcceptDrainsUntilAgain() throws Exception {
        int listenFd = listen("127.0.0.1");
        this.mux.register(listenFd, LISTENER);
        assertThat(this.sockets.accept(listenFd, this.peer)).isEqualTo(Sockets.AGAIN);
        Socket first = connect(this.sockets.localAddress(listenFd));
        Socket second = connect(this.sockets.localAddress(listenFd));
        int i = awaitEvent(LISTENER, (flags) -> (flags & ReadyEvents.READABLE) != 0);
        assertThat(this.events.available(i)).isIn(-1L, 1L, 2L);
        List<InetSocketAddress> peers = new ArrayList<>();
        long deadline = System.nanoTime() + PATIENCE;
        while (peers.size() < 2 && System.nanoTime() < deadline) {
            int fd = this.sockets.accept(listenFd, this.peer);
            if (fd >= 0) {
                this.fds.add(fd);
                peers.add(this.peer.remoteAddress());
            }
        }
        assertThat(peers).containsExactlyInAnyOrder((InetSocketAddress) first.getLocalSocketAddress(),
                (InetSocketAddress) second.getLocalSocketAddress());
        assertThat(this.sockets.accept(listenFd, this.peer)).isEqualTo(Sockets.AGAIN);
        assertThat(this.peer.fd()).isEqualTo(-1);
        assertThat(this.peer.remoteAddress()).isNull();
    }

    @Test
    void readableEventCarriesTheIdAndReadReturnsTheBytes() throws Exception {
        Connected c = connected(42);
        c.client.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        int i = awaitEvent(42, (flags) -> (flags & ReadyEvents.READABLE) != 0);
        assertThat(this.events.available(i)).isIn(-1L, 5L);
        assertThat(readString(c.fd, 5)).isEqualTo("hello");
        assertThat(this.sockets.read(c.fd, 100)).isEqualTo(Sockets.AGAIN);
    }

    @Test
    void eofIsReportedAfterTheRemainingBytes() throws Exception {
        Connected c = connected(7);
        c.client.getOutputStream().write("tail".getBytes(StandardCharsets.US_ASCII));
        c.client.shutdownOutput();
        int i = awaitEvent(7, (flags) -> (flags & ReadyEvents.EOF) != 0);
        assertThat(this.events.isError(i)).isFalse();
        assertThat(this.events.available(i)).isIn(-1L, 4L);
        assertThat(readString(c.fd, 100)).isEqualTo("tail");
        assertThat(this.sockets.read(c.fd, 100)).isZero();
    }

    @Test
    void resetIsReportedAsConnectionResetOrEof() throws Exception {
        Connected c = connected(9);
        c.client.setSoLinger(true, 0);
        c.client.close();
        int i = awaitEvent(9, (flags) -> (flags & (ReadyEvents.EOF | ReadyEvents.ERROR)) != 0);
        // epoll's event carries no errno: it is then taken from the socket, as the poller does.
        int error = (this.events.error(i) != 0) ? this.events.error(i) : this.sockets.pendingError(c.fd);
        Errno reported = this.events.isError(i) ? this.sockets.errno(error) : null;
        int n = this.sockets.read(c.fd, 100);
        Errno fromRead = (n < 0) ? this.sockets.errno(-n) : null;
        assertThat(n).isLessThanOrEqualTo(0).isNotEqualTo(Sockets.AGAIN);
        assertThat(reported == Errno.ECONNRESET || fromRead == Errno.ECONNRESET || n == 0).isTrue();
        if (reported != null) {
            assertThat(reported).isEqualTo(Errno.ECONNRESET);
        }
    }

    @Test
    void eachFailedCallReportsItsOwnErrno() throws Exception {
        // Failures are returned, not left behind: a failed read after a failed accept (and the
        // other way round) must name its own errno, never the one of the call before.
        Connected c = connected(11);
        int acceptBadFd = this.sockets.accept(-1, this.peer);
        assertThat(this.sockets.errno(-acceptBadFd)).isEqualTo(Errno.EBADF);
        assertThat(this.peer.fd()).isEqualTo(-1);
        int readListener = this.sockets.read(c.listenFd, 10);
        assertThat(this.sockets.errno(-readListener)).isIn(Errno.ENOTCONN, Errno.EINVAL);
        int readBadFd = this.sockets.read(-1, 10);
        assertThat(this.sockets.errno(-readBadFd)).isEqualTo(Errno.EBADF);
        int acceptConnected = this.sockets.accept(c.fd, this.peer);
        assertThat(this.sockets.errno(-acceptConnected)).isEqualTo(Errno.EINVAL);
        assertThat(this.sockets.read(c.fd, 10)).isEqualTo(Sockets.AGAIN);
        assertThat(this.sockets.accept(c.listenFd, this.peer)).isEqualTo(Sockets.AGAIN);
    }

    @Test
    void wakeupFromAnotherThreadEndsAnUnboundedWait() throws Exception {
        CountDownLatch waiting = new CountDownLatch(1);
        Thread waker = new Thread(() -> {
            try {
                waiting.await(5, TimeUnit.SECONDS);
                Thread.sleep(50);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            this.mux.wakeup();
        });
        waker.start();
        try {
            waiting.countDown();
            assertThat(this.mux.await(this.events, -1)).isZero();
        }
        finally {
            waker.join(5000);
        }
    }

    @Test
    void wakeupBeforeAwaitMakesItReturnAndIsConsumed() throws Exception {
        this.mux.wakeup();
        assertThat(this.mux.await(this.events, PATIENCE)).isZero();
        long start = System.nanoTime();
        assertThat(this.mux.await(this.events, WAIT)).isZero();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(WAIT / 2);
    }

    @Test
    void aReusedDescriptorNeverReportsTheForgottenId() throws Exception {
        int listenFd = listen("127.0.0.1");
        InetSocketAddress address = this.sockets.localAddress(listenFd);
        Socket oldClient = connect(address);
        int oldFd = acceptOne(listenFd);
        this.mux.register(oldFd, 100);
        oldClient.getOutputStream().write(1);
        // Connect first: the JDK client's own descriptor must not take the number being freed.
        Socket newClient = connect(address);
        this.mux.forget(oldFd);
        this.sockets.close(oldFd);
        this.fds.remove((Integer) oldFd);
        int newFd = acceptOne(listenFd);
        assertThat(newFd).isEqualTo(oldFd);
        this.mux.register(newFd, 200);
        newClient.getOutputStream().write(2);
        awaitEvent(200, (flags) -> (flags & ReadyEvents.READABLE) != 0);
        for (int round = 0; round < 3; round++) {
            assertThat(ids()).doesNotContain(100L);
            this.mux.await(this.events, 0);
        }
    }

    /**
     * kqueue queues the registration until the next wait; without forget() it would reach the
     * kernel after the close and come back as an EBADF error for id 300 (or, worse, register a
     * reused descriptor).
     */
    @Test
    void aRegistrationForgottenAndClosedBeforeTheWaitIsNeverReported() throws Exception {
        Connected c = connected(300);
        this.mux.forget(c.fd);
        this.sockets.close(c.fd);
        this.fds.remove((Integer) c.fd);
        this.mux.await(this.events, WAIT);
        assertThat(ids()).doesNotContain(300L);
    }

    @Test
    void disabledRegistrationIsSilentUntilEnabledAgain() throws Exception {
        Connected c = connected(5);
        this.mux.setReadable(c.fd, 5, false);
        c.client.getOutputStream().write("x".getBytes(StandardCharsets.US_ASCII));
        this.mux.await(this.events, WAIT);
        assertThat(ids()).doesNotContain(5L);
        this.mux.setReadable(c.fd, 5, true);
        awaitEvent(5, (flags) -> (flags & ReadyEvents.READABLE) != 0);
        assertThat(readString(c.fd, 10)).isEqualTo("x");
    }

    @Test
    void bindingATakenPortFailsNamingBind() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ListenSpec spec = new ListenSpec(taken.getInetAddress(), taken.getLocalPort(), 0, false, false, false);
            assertThatExceptionOfType(NativeIoException.class).isThrownBy(() -> this.sockets.openListener(spec))
                .satisfies((ex) -> {
                    assertThat(ex.syscall()).isEqualTo("bind");
                    assertThat(ex.kind()).isEqualTo(Errno.EADDRINUSE);
                    assertThat(ex.getMessage()).startsWith("bind(..) failed: errno " + ex.errno() + " (EADDRINUSE");
                });
        }
    }

    @Test
    void reusePortLetsTwoListenersShareAnAddressAndWithoutItTheSecondFails() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        int first = this.sockets.openListener(new ListenSpec(loopback, 0, 0, true, true, false));
        this.fds.add(first);
        int port = this.sockets.localAddress(first).getPort();
        int second = this.sockets.openListener(new ListenSpec(loopback, port, 0, true, true, false));
        this.fds.add(second);
        assertThat(this.sockets.localAddress(second).getPort()).isEqualTo(port);
        assertThatExceptionOfType(NativeIoException.class)
            .isThrownBy(() -> this.sockets.openListener(new ListenSpec(loopback, port, 0, true, false, false)))
            .satisfies((ex) -> assertThat(ex.kind()).isEqualTo(Errno.EADDRINUSE));
    }

    /**
     * Sockets bound with {@link ListenSpec#balanced()} share a port and the kernel spreads
     * connections over them (Linux hashes the 4-tuple; FreeBSD SO_REUSEPORT_LB); an OS that does
     * not balance refuses such a spec, and a listener's pollers then hand connections over.
     */
    @Test
    void balancedListenersShareAPortAndEachGetsConnections() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        ListenSpec spec = new ListenSpec(loopback, 0, 0, true, false, false);
        if (!this.sockets.balancesAccepts()) {
            assertThatIllegalArgumentException().isThrownBy(() -> this.sockets.openListener(spec.balancedOn(0)));
            return;
        }
        int first = this.sockets.openListener(spec.balancedOn(0));
        this.fds.add(first);
        int port = this.sockets.localAddress(first).getPort();
        int second = this.sockets.openListener(spec.balancedOn(port));
        this.fds.add(second);
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                clients.add(new Socket(loopback, port));
            }
            int[] accepted = new int[2];
            AcceptedPeer peer = new AcceptedPeer();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (accepted[0] + accepted[1] < clients.size() && System.nanoTime() < deadline) {
                for (int i = 0; i < 2; i++) {
                    int fd;
                    while ((fd = this.sockets.accept((i == 0) ? first : second, peer)) >= 0) {
                        this.fds.add(fd);
                        accepted[i]++;
                    }
                }
            }
            assertThat(accepted[0] + accepted[1]).isEqualTo(clients.size());
            assertThat(accepted[0]).as("connections on the first socket").isPositive();
            assertThat(accepted[1]).as("connections on the second socket").isPositive();
        }
        finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    @Test
    void ipv6OnlyIsSetExplicitly() throws Exception {
        InetAddress any6 = InetAddress.getByName("::");
        // Dual stack: an IPv4 client reaches a listener on :: when ipv6-only is false.
        int dual = this.sockets.openListener(new ListenSpec(any6, 0, 0, true, false, false));
        this.fds.add(dual);
        try (Socket v4 = new Socket(InetAddress.getByName("127.0.0.1"), this.sockets.localAddress(dual).getPort())) {
            assertThat(v4.isConnected()).isTrue();
        }
        // IPv6 only: the same connection is refused.
        int only = this.sockets.openListener(new ListenSpec(any6, 0, 0, true, false, true));
        this.fds.add(only);
        int port = this.sockets.localAddress(only).getPort();
        assertThatExceptionOfType(java.net.ConnectException.class)
            .isThrownBy(() -> new Socket(InetAddress.getByName("127.0.0.1"), port).close());
    }

    @Test
    void leavesNoDescriptorBehind() throws Exception {
        Path fdDir = Path.of("/proc/self/fd");
        assumeThat(Files.isDirectory(fdDir)).as("/proc/self/fd to count descriptors").isTrue();
        closeAll();
        this.clients.clear();
        this.fds.clear();
        List<String> before = List.of();
        // Round 0 warms up: the JVM and JNA open some descriptors lazily, once.
        for (int round = 0; round < 4; round++) {
            if (round == 1) {
                before = descriptors(fdDir);
            }
            open();
            Connected c = connected(11);
            c.client.getOutputStream().write(1);
            awaitEvent(11, (flags) -> (flags & ReadyEvents.READABLE) != 0);
            assertThatExceptionOfType(NativeIoException.class).isThrownBy(() -> this.sockets
                .openListener(new ListenSpec(InetAddress.getByName("127.0.0.1"), c.address.getPort(), 0, false,
                        false, false)));
            closeAll();
            this.clients.clear();
            this.fds.clear();
        }
        this.transport = null;
        List<String> after = descriptors(fdDir);
        List<String> added = new ArrayList<>(after);
        before.forEach(added::remove);
        assertThat(after).as("descriptors left open: %s", added).hasSameSizeAs(before);
    }

    // -- writing (issue 11) --

    /**
     * The pattern byte at stream position {@code p}; the write buffer holds it from every offset
     * 0..250, so writing from offset {@code total % 251} continues the stream wherever a partial
     * write stopped.
     */
    static byte pattern(long p) {
        return (byte) (p % 251);
    }

    static ByteBuffer patternBuffer(int chunk) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(chunk + 251);
        for (int i = 0; i < buffer.capacity(); i++) {
            buffer.put(i, pattern(i));
        }
        return buffer;
    }

    /** Writes chunks until AGAIN; returns the bytes written. Bounded: a send buffer never takes 256 MB. */
    long fillSendBuffer(int fd, ByteBuffer buffer, int chunk) {
        long total = 0;
        while (true) {
            int n = this.sockets.write(fd, buffer, (int) (total % 251), chunk);
            if (n == Sockets.AGAIN) {
                return total;
            }
            assertThat(n).as("write after %d bytes", total).isPositive().isLessThanOrEqualTo(chunk);
            total += n;
            assertThat(total).as("send buffer never filled").isLessThan(256L << 20);
        }
    }

    /** Reads exactly {@code total} bytes from the JDK client and checks each against the pattern. */
    static void readPattern(Socket client, long total) throws IOException {
        InputStream in = client.getInputStream();
        byte[] chunk = new byte[65536];
        long seen = 0;
        while (seen < total) {
            int n = in.read(chunk, 0, (int) Math.min(chunk.length, total - seen));
            assertThat(n).as("end of stream after %d of %d bytes", seen, total).isPositive();
            for (int i = 0; i < n; i++) {
                if (chunk[i] != pattern(seen + i)) {
                    throw new AssertionError("byte " + (seen + i) + " is " + chunk[i] + ", not " + pattern(seen + i));
                }
            }
            seen += n;
        }
    }

    /** Whether this wait reported {@code flag} for {@code id} in any entry. */
    boolean reported(long id, int flag) {
        for (int i = 0; i < this.events.size(); i++) {
            if (this.events.id(i) == id && (this.events.flags(i) & flag) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Write interest is level-triggered and tied to the send buffer: writable at first, silent
     * once writes returned AGAIN against a peer that reads nothing, writable again only after the
     * peer has read, and silent whatever the buffer once it is turned off. Every byte arrives in
     * order, including those written from a non-zero offset after partial writes.
     */
    @Test
    void writesUntilAgainAndWritableComesBackOnlyAfterThePeerReads() throws Exception {
        Connected c = connected(21);
        ByteBuffer buffer = patternBuffer(65536);
        this.mux.setWritable(c.fd, 21, true);
        awaitEvent(21, (flags) -> (flags & ReadyEvents.WRITABLE) != 0);
        long total = fillSendBuffer(c.fd, buffer, 65536);
        assertThat(total).isPositive();
        for (int round = 0; round < 3; round++) {
            this.mux.await(this.events, WAIT);
            assertThat(reported(21, ReadyEvents.WRITABLE)).as("writable with a full send buffer").isFalse();
        }
        readPattern(c.client, total);
        awaitEvent(21, (flags) -> (flags & ReadyEvents.WRITABLE) != 0);
        this.mux.setWritable(c.fd, 21, false);
        for (int round = 0; round < 3; round++) {
            this.mux.await(this.events, WAIT);
            assertThat(reported(21, ReadyEvents.WRITABLE)).as("writable after setWritable(false)").isFalse();
        }
        c.client.getOutputStream().write('r');
        awaitEvent(21, (flags) -> (flags & ReadyEvents.READABLE) != 0);
        assertThat(reported(21, ReadyEvents.WRITABLE)).isFalse();
        assertThat(readString(c.fd, 10)).isEqualTo("r");
    }

    /**
     * Both directions ready at once: kqueue reports its read and write filters as two entries of
     * one wait, epoll one entry with both flags (the poller must accept either).
     */
    @Test
    void readableAndWritableOfOneSocketAreReportedInTheSameWait() throws Exception {
        Connected c = connected(22);
        this.mux.setWritable(c.fd, 22, true);
        c.client.getOutputStream().write('b');
        long deadline = System.nanoTime() + PATIENCE;
        while (System.nanoTime() < deadline) {
            this.mux.await(this.events, WAIT);
            if (reported(22, ReadyEvents.READABLE) && reported(22, ReadyEvents.WRITABLE)) {
                List<Integer> entries = new ArrayList<>();
                for (int i = 0; i < this.events.size(); i++) {
                    if (this.events.id(i) == 22) {
                        entries.add(this.events.flags(i));
                    }
                }
                if ("kqueue".equals(expectedBackend())) {
                    assertThat(entries).containsExactlyInAnyOrder(ReadyEvents.READABLE, ReadyEvents.WRITABLE);
                }
                else {
                    assertThat(entries).containsExactly(ReadyEvents.READABLE | ReadyEvents.WRITABLE);
                }
                return;
            }
        }
        throw new AssertionError("no wait reported id 22 both readable and writable");
    }

    /** The two interests are independent: pausing reads keeps write interest, and the other way round. */
    @Test
    void readAndWriteInterestAreChangedIndependently() throws Exception {
        Connected c = connected(23);
        this.mux.setWritable(c.fd, 23, true);
        this.mux.setReadable(c.fd, 23, false);
        c.client.getOutputStream().write('i');
        awaitEvent(23, (flags) -> (flags & ReadyEvents.WRITABLE) != 0);
        for (int round = 0; round < 3; round++) {
            this.mux.await(this.events, WAIT);
            assertThat(reported(23, ReadyEvents.READABLE)).as("readable while reads are paused").isFalse();
        }
        this.mux.setWritable(c.fd, 23, false);
        this.mux.await(this.events, WAIT);
        assertThat(ids()).doesNotContain(23L);
        this.mux.setReadable(c.fd, 23, true);
        awaitEvent(23, (flags) -> (flags & ReadyEvents.READABLE) != 0);
        assertThat(reported(23, ReadyEvents.WRITABLE)).isFalse();
        assertThat(readString(c.fd, 10)).isEqualTo("i");
    }

    /** Turning off write interest that was never on must not fail the registration (kqueue: no ENOENT). */
    @Test
    void turningOffWriteInterestThatWasNeverOnIsHarmless() throws Exception {
        Connected c = connected(24);
        this.mux.setWritable(c.fd, 24, false);
        this.mux.setWritable(c.fd, 24, false);
        c.client.getOutputStream().write('h');
        assertThat(flagsUntil(24, ReadyEvents.READABLE) & (ReadyEvents.ERROR | ReadyEvents.WRITABLE)).isZero();
        assertThat(readString(c.fd, 10)).isEqualTo("h");
    }

    /**
     * A descriptor that had write interest, forgotten and closed, whose number is reused: the new
     * socket's write interest works and nothing of the old one is reported. Where close(2) keeps
     * registrations (libkqueue), forget must have deleted the write filter too, or the new
     * socket's change meets the stale one and fails.
     */
    @Test
    void aReusedDescriptorGetsFreshWriteInterest() throws Exception {
        int listenFd = listen("127.0.0.1");
        InetSocketAddress address = this.sockets.localAddress(listenFd);
        connect(address);
        int oldFd = acceptOne(listenFd);
        this.mux.register(oldFd, 110);
        this.mux.setWritable(oldFd, 110, true);
        awaitEvent(110, (flags) -> (flags & ReadyEvents.WRITABLE) != 0);
        this.mux.setWritable(oldFd, 110, false);
        this.mux.await(this.events, 0);
        Socket newClient = connect(address);
        this.mux.forget(oldFd);
        this.sockets.close(oldFd);
        this.fds.remove((Integer) oldFd);
        int newFd = acceptOne(listenFd);
        assertThat(newFd).isEqualTo(oldFd);
        this.mux.register(newFd, 210);
        this.mux.setWritable(newFd, 210, true);
        assertThat(flagsUntil(210, ReadyEvents.WRITABLE) & ReadyEvents.ERROR).isZero();
        newClient.getOutputStream().write(2);
        assertThat(flagsUntil(210, ReadyEvents.READABLE) & ReadyEvents.ERROR).isZero();
        assertThat(ids()).doesNotContain(110L);
    }

    /** Every flag reported for {@code id}, over the waits until one has {@code flag}. */
    int flagsUntil(long id, int flag) throws NativeIoException {
        int seen = 0;
        long deadline = System.nanoTime() + PATIENCE;
        while ((seen & flag) == 0 && System.nanoTime() < deadline) {
            this.mux.await(this.events, WAIT);
            for (int i = 0; i < this.events.size(); i++) {
                assertThat(this.events.id(i)).as("forgotten id reported").isNotEqualTo(110L);
                if (this.events.id(i) == id) {
                    seen |= this.events.flags(i);
                }
            }
        }
        assertThat(seen & flag).as("flag %d for id %d", flag, id).isNotZero();
        return seen;
    }

    /** A write-interest change that fails is thrown where applied at once (epoll), else an ERROR event for its id. */
    @Test
    void aFailedWriteInterestChangeIsThrownOrReportedForItsId() throws Exception {
        int notOpen = 1_000_000;
        try {
            this.mux.setWritable(notOpen, 25, true);
        }
        catch (NativeIoException ex) {
            assertThat(expectedBackend()).isEqualTo("epoll");
            assertThat(ex.kind()).isEqualTo(Errno.EBADF);
            return;
        }
        int i = awaitEvent(25, (flags) -> (flags & ReadyEvents.ERROR) != 0);
        assertThat(this.events.error(i)).isNotZero();
        this.mux.forget(notOpen);
    }

    @Test
    void writeTakesOnlyADirectBufferWithinItsCapacity() throws Exception {
        Connected c = connected(26);
        assertThatIllegalArgumentException().isThrownBy(() -> this.sockets.write(c.fd, ByteBuffer.allocate(8), 0, 8));
        ByteBuffer direct = ByteBuffer.allocateDirect(8);
        assertThatExceptionOfType(IndexOutOfBoundsException.class)
            .isThrownBy(() -> this.sockets.write(c.fd, direct, 4, 5));
        assertThatExceptionOfType(IndexOutOfBoundsException.class)
            .isThrownBy(() -> this.sockets.write(c.fd, direct, -1, 1));
        assertThat(this.sockets.write(c.fd, direct, 8, 0)).isZero();
        direct.put(0, (byte) 'a').put(1, (byte) 'b').put(2, (byte) 'c').position(3).limit(3);
        assertThat(this.sockets.write(c.fd, direct, 1, 2)).isEqualTo(2);
        assertThat(direct.position()).isEqualTo(3);
        byte[] got = new byte[2];
        assertThat(c.client.getInputStream().readNBytes(got, 0, 2)).isEqualTo(2);
        assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("bc");
    }

    /**
     * The write path allocates nothing per call once the buffer's address is known: ten thousand
     * one-byte writes from one buffer stay far below what one object per call would take
     * (a JNA Pointer per call is 24 bytes or more, 240 KB here).
     */
    @Test
    void writingFromTheSameBufferAllocatesNothingPerCall() throws Exception {
        Connected c = connected(30);
        ByteBuffer buffer = patternBuffer(16);
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        assumeThat(threads).isInstanceOf(com.sun.management.ThreadMXBean.class);
        com.sun.management.ThreadMXBean allocation = (com.sun.management.ThreadMXBean) threads;
        for (int i = 0; i < 1000; i++) {
            assertThat(this.sockets.write(c.fd, buffer, i % 16, 1)).isEqualTo(1);
        }
        long before = allocation.getThreadAllocatedBytes(Thread.currentThread().getId());
        for (int i = 0; i < 10_000; i++) {
            if (this.sockets.write(c.fd, buffer, i % 16, 1) != 1) {
                throw new AssertionError("write " + i + " did not write one byte");
            }
        }
        long allocated = allocation.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
        assertThat(allocated).as("bytes allocated by 10,000 writes").isLessThan(24_000);
        assertThat(c.client.getInputStream().readNBytes(11_000)).hasSize(11_000);
    }

    /**
     * A peer that reset the connection: writes fail with ECONNRESET and then EPIPE, and the
     * thread gets no SIGPIPE. A plain write(2) to the same socket does raise one, which proves
     * the probe would see it.
     */
    @Test
    void writingToAResetPeerFailsWithoutSigpipe() throws Exception {
        Connected c = connected(27);
        c.client.setSoLinger(true, 0);
        c.client.close();
        awaitEvent(27, (flags) -> (flags & (ReadyEvents.EOF | ReadyEvents.ERROR)) != 0);
        assertWritesFailWithoutSigpipe(c.fd);
    }

    /**
     * A peer that closed in order: the first write may still be accepted (the peer's kernel then
     * answers with a reset), later ones fail with EPIPE or ECONNRESET, never with a SIGPIPE.
     */
    @Test
    void writingToAPeerThatClosedFailsWithoutSigpipe() throws Exception {
        Connected c = connected(28);
        c.client.close();
        awaitEvent(28, (flags) -> (flags & ReadyEvents.EOF) != 0);
        assertWritesFailWithoutSigpipe(c.fd);
    }

    void assertWritesFailWithoutSigpipe(int fd) throws Exception {
        ByteBuffer buffer = patternBuffer(16);
        try (SigpipeProbe probe = new SigpipeProbe()) {
            List<Errno> failures = new ArrayList<>();
            long deadline = System.nanoTime() + PATIENCE;
            while (!failures.contains(Errno.EPIPE) && System.nanoTime() < deadline) {
                int n = this.sockets.write(fd, buffer, 0, 16);
                if (n < 0) {
                    assertThat(n).isNotEqualTo(Sockets.AGAIN);
                    failures.add(this.sockets.errno(-n));
                }
                else {
                    this.mux.await(this.events, WAIT);
                }
            }
            assertThat(failures).contains(Errno.EPIPE).isSubsetOf(Errno.EPIPE, Errno.ECONNRESET);
            assertThat(probe.pending()).as("SIGPIPE raised by Sockets.write").isFalse();
            try (Memory bytes = new Memory(1)) {
                bytes.setByte(0, (byte) 1);
                assertThat(PosixLibc.write(fd, bytes, 1)).isNegative();
            }
            assertThat(probe.pending()).as("SIGPIPE raised by a plain write(2): the probe sees signals").isTrue();
            assertThat(probe.take()).isTrue();
        }
    }

    /**
     * shutdown(SHUT_WR) half-closes: the peer reads our last bytes and then end of stream, and can
     * still send to us; our own writes then fail with EPIPE, without SIGPIPE.
     */
    @Test
    void shutdownOutputLetsThePeerReadEofWhileItCanStillSend() throws Exception {
        Connected c = connected(29);
        ByteBuffer bye = ByteBuffer.allocateDirect(3).put(0, (byte) 'b').put(1, (byte) 'y').put(2, (byte) 'e');
        assertThat(this.sockets.write(c.fd, bye, 0, 3)).isEqualTo(3);
        assertThat(this.sockets.shutdownOutput(c.fd)).isZero();
        InputStream in = c.client.getInputStream();
        assertThat(new String(in.readNBytes(3), StandardCharsets.US_ASCII)).isEqualTo("bye");
        assertThat(in.read()).isEqualTo(-1);
        c.client.getOutputStream().write("still here".getBytes(StandardCharsets.US_ASCII));
        awaitEvent(29, (flags) -> (flags & ReadyEvents.READABLE) != 0);
        assertThat(readString(c.fd, 100)).isEqualTo("still here");
        try (SigpipeProbe probe = new SigpipeProbe()) {
            int n = this.sockets.write(c.fd, bye, 0, 3);
            assertThat(this.sockets.errno(-n)).isEqualTo(Errno.EPIPE);
            assertThat(probe.pending()).as("SIGPIPE after shutdownOutput").isFalse();
        }
        assertThat(this.sockets.errno(-this.sockets.shutdownOutput(-1))).isEqualTo(Errno.EBADF);
    }

    // -- helpers --

    int listen(String host) throws Exception {
        int fd = this.sockets.openListener(new ListenSpec(InetAddress.getByName(host), 0, 0, true, false, true));
        this.fds.add(fd);
        return fd;
    }

    Socket connect(InetSocketAddress address) throws IOException {
        Socket client = new Socket();
        this.clients.add(client);
        client.connect(address, 5000);
        return client;
    }

    int acceptOne(int listenFd) {
        long deadline = System.nanoTime() + PATIENCE;
        while (System.nanoTime() < deadline) {
            int fd = this.sockets.accept(listenFd, this.peer);
            if (fd >= 0) {
                this.fds.add(fd);
                return fd;
            }
            assertThat(fd).isEqualTo(Sockets.AGAIN);
            Thread.onSpinWait();
        }
        throw new AssertionError("nothing to accept");
    }

    record Connected(Socket client, int fd, InetSocketAddress address, int listenFd) {
    }

    /** A listener, a JDK client connected to it, and the accepted side registered as {@code id}. */
    Connected connected(long id) throws Exception {
        int listenFd = listen("127.0.0.1");
        InetSocketAddress address = this.sockets.localAddress(listenFd);
        Socket client = connect(address);
        client.setSoTimeout(5000);
        int fd = acceptOne(listenFd);
        this.mux.register(fd, id);
        return new Connected(client, fd, address, listenFd);
    }

    /** Waits until an event for {@code id} matches; returns its index in {@link #events}. */
    int awaitEvent(long id, IntPredicate flags) throws NativeIoException {
        long deadline = System.nanoTime() + PATIENCE;
        while (System.nanoTime() < deadline) {
            int n = this.mux.await(this.events, WAIT);
            for (int i = 0; i < n; i++) {
                if (this.events.id(i) == id && flags.test(this.events.flags(i))) {
                    return i;
                }
            }
        }
        throw new AssertionError("no matching event for id " + id);
    }

    List<Long> ids() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < this.events.size(); i++) {
            ids.add(this.events.id(i));
        }
        return ids;
    }

    String readString(int fd, int max) {
        int n = this.sockets.read(fd, max);
        assertThat(n).isPositive();
        byte[] bytes = new byte[n];
        this.sockets.readBuffer().get(0, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** The link targets of the open descriptors ({@code socket:[..]}, {@code anon_inode:[eventpoll]}, ...). */
    static List<String> descriptors(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> targets = new ArrayList<>();
            for (Path entry : (Iterable<Path>) entries::iterator) {
                try {
                    String target = Files.readSymbolicLink(entry).toString();
                    targets.add(target.startsWith("socket:") ? "socket" : target);
                }
                catch (IOException ex) {
                    // the descriptor that listed the directory is gone by now
                }
            }
            return targets;
        }
    }

}
