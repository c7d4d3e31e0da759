package dev.kqlisten.nativeio.linux;

import org.junit.jupiter.api.Test;

import dev.kqlisten.nativeio.Errno;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Linux values that differ from the BSDs (docs/native-abi.md §4, §4.3, §5.2): swapping one of them with
 * its BSD counterpart would compile and misbehave.
 */
class LinuxConstantsTests {

    @Test
    void socketValuesAreTheLinuxOnes() {
        assertThat(LinuxConstants.SOCKETS.afInet6()).isEqualTo(10);
        assertThat(LinuxConstants.SOCKETS.sockaddrHasLength()).isFalse();
        assertThat(LinuxConstants.SOCKETS.solSocket()).isEqualTo(1);
        assertThat(LinuxConstants.SOCKETS.soReuseaddr()).isEqualTo(2);
        assertThat(LinuxConstants.SOCKETS.soReuseport()).isEqualTo(15);
        assertThat(LinuxConstants.SOCKETS.soError()).isEqualTo(4);
        assertThat(LinuxConstants.SOCKETS.ipv6V6only()).isEqualTo(26);
        assertThat(LinuxConstants.SOCKETS.sockNonblock()).isEqualTo(0x800);
        assertThat(LinuxConstants.SOCKETS.sockCloexec()).isEqualTo(0x80000);
        assertThat(LinuxConstants.SOCKETS.soNosigpipe()).isZero();
        assertThat(LinuxConstants.SOCKETS.msgNosignal()).isEqualTo(0x4000);
    }

    @Test
    void errnoValuesAreTheLinuxOnes() {
        assertThat(LinuxConstants.ERRNOS.errno(11)).isEqualTo(Errno.EAGAIN);
        assertThat(LinuxConstants.ERRNOS.errno(98)).isEqualTo(Errno.EADDRINUSE);
        assertThat(LinuxConstants.ERRNOS.errno(104)).isEqualTo(Errno.ECONNRESET);
        assertThat(LinuxConstants.ERRNOS.number(Errno.ENOSYS)).isEqualTo(38);
        assertThat(LinuxConstants.ERRNOS.number(Errno.EACCES)).isEqualTo(13);
        assertThat(LinuxConstants.ERRNOS.errno(35)).isEqualTo(Errno.UNKNOWN);
    }

    @Test
    void epollFlagsMatchTheUapiHeader() {
        assertThat(LinuxConstants.EPOLLIN).isEqualTo(1);
        assertThat(LinuxConstants.EPOLLERR).isEqualTo(8);
        assertThat(LinuxConstants.EPOLLHUP).isEqualTo(0x10);
        assertThat(LinuxConstants.EPOLLRDHUP).isEqualTo(0x2000);
        assertThat(LinuxConstants.EPOLLET).isEqualTo(1 << 31);
        assertThat(LinuxConstants.EFD_NONBLOCK | LinuxConstants.EFD_CLOEXEC).isEqualTo(0x80800);
    }

    @Test
    void descriptorLimitValuesAreTheLinuxOnes() {
        // docs/native-abi.md §12: asm-generic/resource.h, shared by x86_64 and aarch64.
        assertThat(LinuxConstants.RLIMITS.rlimitNofile()).isEqualTo(7);
        assertThat(LinuxConstants.RLIMITS.rlimInfinity()).isEqualTo(0xFFFF_FFFF_FFFF_FFFFL);
    }

}
