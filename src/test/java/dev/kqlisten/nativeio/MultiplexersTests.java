package dev.kqlisten.nativeio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Backend selection and its refusals. Every load failure must surface as
 * {@link NativeTransportUnavailableException} with the cause, never as a raw
 * {@link LinkageError}.
 */
class MultiplexersTests {

    static final HostPlatform FREEBSD = HostPlatform.of("FreeBSD", "amd64");

    static final HostPlatform LINUX = HostPlatform.of("Linux", "amd64");

    @Test
    void autoResolvesToEpollOnLinuxAndKqueueElsewhere() {
        assertThat(Multiplexers.resolve(Backend.AUTO, LINUX)).isEqualTo(Backend.EPOLL);
        assertThat(Multiplexers.resolve(null, FREEBSD)).isEqualTo(Backend.KQUEUE);
        assertThat(Multiplexers.resolve(Backend.KQUEUE, LINUX)).isEqualTo(Backend.KQUEUE);
    }

    /** Preloading never throws, and a later open on the same host works as without it. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void preloadLeavesOpenWorking() {
        Multiplexers.preload();
        Multiplexers.preload();
        try (NativeTransport transport = Multiplexers.open(options(Backend.AUTO, null, null))) {
            assertThat(transport.multiplexer()).isNotNull();
        }
    }

    @Test
    void epollIsRefusedOnABsd() {
        assertThatExceptionOfType(NativeTransportUnavailableException.class)
            .isThrownBy(() -> Multiplexers.open(options(Backend.EPOLL, null, null), FREEBSD))
            .withMessageContaining("epoll is Linux-only");
    }

    @Test
    void kqueueOnLinuxNeedsALibrary() {
        assertThatExceptionOfType(NativeTransportUnavailableException.class)
            .isThrownBy(() -> Multiplexers.open(options(Backend.KQUEUE, null, KQueueAbi.FREEBSD), LINUX))
            .withMessageContaining("a kqueue-compatible library must be named");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aMissingKqueueLibraryBecomesUnavailableWithItsCause() {
        assertThatExceptionOfType(NativeTransportUnavailableException.class)
            .isThrownBy(() -> Multiplexers
                .open(options(Backend.KQUEUE, "/nonexistent/libkqueue-missing.so", KQueueAbi.FREEBSD), LINUX))
            .satisfies((ex) -> {
                assertThat(ex.backend()).isEqualTo(Backend.KQUEUE);
                assertThat(ex.getCause()).satisfiesAnyOf(MultiplexersTests::isLinkFailure,
                        MultiplexersTests::isAlreadyBoundToAnotherLibrary);
                assertThat(ex.getMessage()).startsWith("kqueue could not be opened");
            });
    }

    /** glibc has no kqueue symbol: a library without the symbols must fail the same way. */
    @Test
    @EnabledOnOs(OS.LINUX)
    void aLibraryWithoutKqueueSymbolsBecomesUnavailable() {
        assertThatExceptionOfType(NativeTransportUnavailableException.class)
            .isThrownBy(() -> Multiplexers.open(options(Backend.KQUEUE, "c", KQueueAbi.FREEBSD), LINUX))
            .satisfies((ex) -> assertThat(ex.getCause()).satisfiesAnyOf(MultiplexersTests::isLinkFailure,
                    MultiplexersTests::isAlreadyBoundToAnotherLibrary));
    }

    // The kqueue natives bind once per JVM: when another test of this JVM already bound the test
    // library, a request for a different library fails on that instead of reaching the loader.
    private static void isLinkFailure(Throwable cause) {
        assertThat(cause).isInstanceOf(LinkageError.class);
    }

    private static void isAlreadyBoundToAnotherLibrary(Throwable cause) {
        assertThat(cause).isInstanceOf(IllegalStateException.class).hasMessageContaining("already bound to");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void autoOpensEpollOnLinux() {
        try (NativeTransport transport = Multiplexers.open(options(Backend.AUTO, null, null))) {
            assertThat(transport.multiplexer().backend()).isEqualTo("epoll");
            assertThat(transport.sockets().errno(11)).isEqualTo(Errno.EAGAIN);
        }
    }

    static TransportOptions options(Backend backend, String library, KQueueAbi abi) {
        return new TransportOptions(backend, library, abi, 16, 1024);
    }

}
