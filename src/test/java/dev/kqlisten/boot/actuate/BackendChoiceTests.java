package dev.kqlisten.boot.actuate;

import org.junit.jupiter.api.Test;

import dev.kqlisten.nativeio.Backend;
import dev.kqlisten.nativeio.HostPlatform;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health detail that tells an operator which backend runs and why the other native one is
 * not used, per host: the question users ask when a Linux instance reports epoll.
 */
class BackendChoiceTests {

    private static final HostPlatform LINUX = HostPlatform.of("Linux", "amd64");

    private static final HostPlatform FREEBSD = HostPlatform.of("FreeBSD", "amd64");

    @Test
    void autoOnLinuxSaysLinuxHasNoNativeKqueue() {
        assertThat(BackendChoice.explain(Backend.AUTO, LINUX))
            .isEqualTo("kqlisten.backend=auto chose epoll; kqueue is not available: Linux has no native kqueue");
    }

    @Test
    void kqueueOnLinuxRunsThroughACompatibleLibrary() {
        assertThat(BackendChoice.explain(Backend.KQUEUE, LINUX)).startsWith("kqlisten.backend=kqueue through a "
                + "kqueue-compatible library (kqlisten.kqueue.library)");
    }

    @Test
    void autoOnABsdChoosesNativeKqueueAndSaysEpollIsLinuxOnly() {
        assertThat(BackendChoice.explain(Backend.AUTO, FREEBSD))
            .isEqualTo("kqlisten.backend=auto chose kqueue, native on FreeBSD; epoll is not available: it is Linux-only");
    }

}
