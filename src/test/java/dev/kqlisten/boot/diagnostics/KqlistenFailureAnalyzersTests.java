package dev.kqlisten.boot.diagnostics;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;

import dev.kqlisten.nativeio.Backend;
import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.KQueueAbi;
import dev.kqlisten.nativeio.KQueueAbiMismatchException;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.NativeTransportUnavailableException;
import dev.kqlisten.server.DescriptorReserveException;
import dev.kqlisten.server.ListenerBindException;
import dev.kqlisten.server.ListenerPortInUseException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exact texts of kqlisten's failure analyzers, which users read when start-up fails, and their
 * registration in {@code META-INF/spring.factories}.
 */
class KqlistenFailureAnalyzersTests {

    @Test
    void portInUseNamesTheListenerAndItsPortProperty() throws Exception {
        ListenerPortInUseException failure = new ListenerPortInUseException(0, "default", InetAddress.getByName("0.0.0.0"), 1815,
                new NativeIoException("bind", 98, Errno.EADDRINUSE));
        FailureAnalysis analysis = new TcpPortInUseFailureAnalyzer().analyze(wrapped(failure));
        assertThat(analysis.getDescription())
            .isEqualTo("TCP listener 'default' failed to start: port 1815 on 0.0.0.0 is already in use.");
        assertThat(analysis.getAction()).isEqualTo("Identify and stop the process that is listening on 0.0.0.0:1815, "
                + "or set 'kqlisten.listeners[0].port' to another port (0 lets the operating system choose a free one).");
        assertThat(analysis.getCause()).isSameAs(failure);
    }

    @Test
    void descriptorReserveNamesThePropertyAndTheLimit() {
        DescriptorReserveException failure = new DescriptorReserveException(64, 50);
        FailureAnalysis analysis = new DescriptorReserveFailureAnalyzer().analyze(wrapped(failure));
        assertThat(analysis.getDescription()).isEqualTo("TCP listeners failed to start: 'kqlisten.reserved-descriptors' "
                + "is 64, but the process may open only 50 descriptors (RLIMIT_NOFILE), so none would be left for "
                + "kqlisten's connections.");
        assertThat(analysis.getAction()).isEqualTo("Set 'kqlisten.reserved-descriptors' below 50 (it keeps descriptors "
                + "for the rest of the process: the web server, log files, the JVM's own), or raise the process's "
                + "descriptor limit (ulimit -n, LimitNOFILE= in a systemd unit, --ulimit nofile= for a container).");
        assertThat(analysis.getCause()).isSameAs(failure);
    }

    @Test
    void portInUseOnIpv6UsesBracketsInTheEndpoint() throws Exception {
        ListenerPortInUseException failure = new ListenerPortInUseException(2, "admin", InetAddress.getByName("::1"), 9000,
                new NativeIoException("bind", 48, Errno.EADDRINUSE));
        FailureAnalysis analysis = new TcpPortInUseFailureAnalyzer().analyze(failure);
        assertThat(analysis.getDescription())
            .isEqualTo("TCP listener 'admin' failed to start: port 9000 on 0:0:0:0:0:0:0:1 is already in use.");
        assertThat(analysis.getAction()).startsWith("Identify and stop the process that is listening on "
                + "[0:0:0:0:0:0:0:1]:9000, or set 'kqlisten.listeners[2].port'");
    }

    @Test
    void addressNotOnThisHostNamesTheAddressProperty() throws Exception {
        ListenerBindException failure = new ListenerBindException(1, "b", InetAddress.getByName("192.0.2.7"), 7000,
                new NativeIoException("bind", 99, Errno.EADDRNOTAVAIL));
        FailureAnalysis analysis = new TcpBindFailureAnalyzer().analyze(wrapped(failure));
        assertThat(analysis.getDescription())
            .isEqualTo("TCP listener 'b' failed to start: 192.0.2.7 is not an address of this host.");
        assertThat(analysis.getAction()).isEqualTo("Set 'kqlisten.listeners[1].address' to an address of this host, "
                + "or to 0.0.0.0 (all IPv4 interfaces) or :: (all IPv6 interfaces).");
    }

    @Test
    void otherBindFailureQuotesTheSystemCall() throws Exception {
        ListenerBindException failure = new ListenerBindException(1, "b", InetAddress.getByName("127.0.0.1"), 80,
                new NativeIoException("listen", 22, Errno.EINVAL));
        FailureAnalysis analysis = new TcpBindFailureAnalyzer().analyze(failure);
        assertThat(analysis.getDescription()).isEqualTo("TCP listener 'b' failed to start listening on 127.0.0.1:80: "
                + "listen(..) failed: errno 22 (EINVAL: Invalid argument).");
        assertThat(analysis.getAction()).isEqualTo("Check 'kqlisten.listeners[1].address' and "
                + "'kqlisten.listeners[1].port' (ports below 1024 usually need privileges) and the operating system's "
                + "limits.");
    }

    @Test
    void privilegedPortWithoutRightsNamesThePortProperty() throws Exception {
        ListenerBindException failure = new ListenerBindException(0, "web", InetAddress.getByName("0.0.0.0"), 80,
                new NativeIoException("bind", 13, Errno.EACCES));
        FailureAnalysis analysis = new TcpBindFailureAnalyzer().analyze(failure);
        assertThat(analysis.getDescription()).isEqualTo("TCP listener 'web' failed to start: port 80 on 0.0.0.0 is a "
                + "privileged port (bind(..) failed: errno 13 (EACCES: Permission denied)).");
        assertThat(analysis.getAction()).isEqualTo("Set 'kqlisten.listeners[0].port' to 1024 or above (the default is "
                + "1815), or give the process the right to bind privileged ports (root, or CAP_NET_BIND_SERVICE on "
                + "Linux).");
    }

    // ListenerPortInUseException is a ListenerBindException; its own analyzer must be the one to explain it.
    /** Only EACCES means missing rights; another bind failure on a low port is not guessed to be one. */
    @Test
    void anotherBindFailureOnALowPortIsNotCalledPrivileged() throws Exception {
        ListenerBindException failure = new ListenerBindException(0, "web", InetAddress.getByName("127.0.0.1"), 80,
                new NativeIoException("bind", 22, Errno.EINVAL));
        FailureAnalysis analysis = new TcpBindFailureAnalyzer().analyze(failure);
        assertThat(analysis.getDescription()).isEqualTo("TCP listener 'web' failed to start listening on "
                + "127.0.0.1:80: bind(..) failed: errno 22 (EINVAL: Invalid argument).");
    }

    @Test
    void bindAnalyzerLeavesPortInUseToItsOwnAnalyzer() throws Exception {
        ListenerPortInUseException failure = new ListenerPortInUseException(0, "default", InetAddress.getByName("0.0.0.0"), 1815,
                new NativeIoException("bind", 98, Errno.EADDRINUSE));
        assertThat(new TcpBindFailureAnalyzer().analyze(failure)).isNull();
    }

    @Test
    void nativeTransportUnavailableNamesPlatformReasonSupportedListAndProperties() {
        NativeTransportUnavailableException failure = new NativeTransportUnavailableException(Backend.EPOLL, "Mac OS X",
                "aarch64", "epoll is Linux-only; macOS has kqueue", null);
        FailureAnalysis analysis = new NativeTransportUnavailableFailureAnalyzer().analyze(wrapped(failure));
        assertThat(analysis.getDescription()).isEqualTo("The kqlisten native transport is not available on Mac OS X "
                + "(aarch64) with backend epoll: epoll is Linux-only; macOS has kqueue.\n\nSupported: "
                + NativeTransportUnavailableException.SUPPORTED + ".");
        assertThat(analysis.getAction()).isEqualTo("Run on a supported platform, or change 'kqlisten.backend' (auto, "
                + "kqueue or epoll). For kqueue on Linux, set 'kqlisten.kqueue.library' to a kqueue-compatible library "
                + "and 'kqlisten.kqueue.layout' to its ABI (libkqueue for libkqueue; freebsd, darwin, openbsd or "
                + "dragonfly for a library built with that OS's struct kevent).");
    }

    @Test
    void kqueueAbiMismatchNamesLibraryLayoutBothSidesAndTheLayoutThatFits() {
        KQueueAbiMismatchException failure = new KQueueAbiMismatchException("/usr/lib/libkqueue.so.0",
                KQueueAbi.FREEBSD, true, "4 events", "change refused: {ident=0}", List.of(KQueueAbi.LIBKQUEUE));
        FailureAnalysis analysis = new KQueueAbiMismatchFailureAnalyzer().analyze(wrapped(failure));
        assertThat(analysis.getDescription()).isEqualTo("The kqueue library /usr/lib/libkqueue.so.0 does not speak the "
                + "'freebsd' struct kevent layout (set by kqlisten.kqueue.layout). kqlisten checks the layout with one "
                + "kevent call on a scratch kqueue before it binds a port; running with a wrong layout would lose "
                + "changes and events without an error.\n\nExpected: 4 events.\n\nGot: change refused: {ident=0}.");
        assertThat(analysis.getAction()).isEqualTo("Set 'kqlisten.kqueue.layout' to libkqueue: the library passed "
                + "the same check with that layout.");
        assertThat(analysis.getCause()).isSameAs(failure);
    }

    @Test
    void kqueueAbiMismatchWithNoFittingLayoutPointsToTheSupportedProviders() {
        KQueueAbiMismatchException failure = new KQueueAbiMismatchException("the C library", KQueueAbi.DARWIN, false,
                "4 events", "kevent() failed", List.of());
        FailureAnalysis analysis = new KQueueAbiMismatchFailureAnalyzer().analyze(wrapped(failure));
        assertThat(analysis.getDescription()).contains("(detected from the operating system)");
        assertThat(analysis.getAction()).startsWith("The library passed the check with no known layout.")
            .contains("'kqlisten.kqueue.layout: libkqueue'");
    }

    @Test
    void analyzersAreRegisteredForBoot() {
        List<String> failed = new ArrayList<>();
        // Boot's own analyzers need constructor arguments this test does not supply; only ours matter.
        List<FailureAnalyzer> analyzers = SpringFactoriesLoader.forDefaultResourceLocation()
            .load(FailureAnalyzer.class, ArgumentResolver.none(),
                    FailureHandler.handleMessage((message, ex) -> failed.add(message.get())));
        assertThat(analyzers).extracting((analyzer) -> analyzer.getClass().getSimpleName())
            .contains("TcpPortInUseFailureAnalyzer", "TcpBindFailureAnalyzer",
                    "NativeTransportUnavailableFailureAnalyzer", "KQueueAbiMismatchFailureAnalyzer",
                    "UnknownKqlistenPropertyFailureAnalyzer", "IncompatibleEventMulticasterFailureAnalyzer",
                    "DescriptorReserveFailureAnalyzer");
        assertThat(failed).noneMatch((message) -> message.contains("dev.kqlisten"));
    }

    private static Exception wrapped(Exception failure) {
        return new IllegalStateException("Failed to start bean 'kqlistenServerLifecycle'", failure);
    }

}
