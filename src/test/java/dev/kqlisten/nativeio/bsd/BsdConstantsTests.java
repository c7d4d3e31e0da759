package dev.kqlisten.nativeio.bsd;

import org.junit.jupiter.api.Test;

import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.nativeio.HostOs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Key values per BSD against docs/native-abi.md §4 and §4.3: the ones that differ between OSes and would
 * silently misbehave if swapped.
 */
class BsdConstantsTests {

    @Test
    void addressFamiliesDifferPerOs() {
        assertThat(BsdConstants.FREEBSD.afInet6()).isEqualTo(28);
        assertThat(BsdConstants.DARWIN.afInet6()).isEqualTo(30);
        assertThat(BsdConstants.OPENBSD.afInet6()).isEqualTo(24);
        assertThat(BsdConstants.DRAGONFLY.afInet6()).isEqualTo(28);
    }

    @Test
    void allBsdsUseTheLengthByteSockaddr() {
        assertThat(BsdConstants.FREEBSD.sockaddrHasLength()).isTrue();
        assertThat(BsdConstants.DARWIN.sockaddrHasLength()).isTrue();
        assertThat(BsdConstants.OPENBSD.sockaddrHasLength()).isTrue();
        assertThat(BsdConstants.DRAGONFLY.sockaddrHasLength()).isTrue();
    }

    @Test
    void socketTypeFlagsExistEverywhereButMacOs() {
        assertThat(BsdConstants.DARWIN.hasSocketTypeFlags()).isFalse();
        assertThat(BsdConstants.FREEBSD.sockNonblock()).isEqualTo(0x20000000);
        assertThat(BsdConstants.FREEBSD.sockCloexec()).isEqualTo(0x10000000);
        assertThat(BsdConstants.OPENBSD.sockNonblock()).isEqualTo(0x4000);
        assertThat(BsdConstants.OPENBSD.sockCloexec()).isEqualTo(0x8000);
    }

    @Test
    void noSigpipeOptionPerOs() {
        assertThat(BsdConstants.FREEBSD.soNosigpipe()).isEqualTo(0x800);
        assertThat(BsdConstants.DARWIN.soNosigpipe()).isEqualTo(0x1022);
        assertThat(BsdConstants.OPENBSD.soNosigpipe()).isZero();
        assertThat(BsdConstants.DRAGONFLY.soNosigpipe()).isEqualTo(0x800);
    }

    /**
     * docs/native-abi.md §4.4: the per-call flag differs per OS; macOS passes none (0) and writes
     * with write(2) under SO_NOSIGPIPE, and OpenBSD, which has no SO_NOSIGPIPE, must have the flag.
     */
    @Test
    void noSignalSendFlagPerOs() {
        assertThat(BsdConstants.FREEBSD.msgNosignal()).isEqualTo(0x20000);
        assertThat(BsdConstants.DARWIN.msgNosignal()).isZero();
        assertThat(BsdConstants.OPENBSD.msgNosignal()).isEqualTo(0x400);
        assertThat(BsdConstants.DRAGONFLY.msgNosignal()).isEqualTo(0x400);
    }

    @Test
    void socketLevelOptionsAreTheBsdOnes() {
        assertThat(BsdConstants.DRAGONFLY.solSocket()).isEqualTo(0xFFFF);
        assertThat(BsdConstants.DRAGONFLY.soReuseaddr()).isEqualTo(0x4);
        assertThat(BsdConstants.DRAGONFLY.soReuseport()).isEqualTo(0x200);
        assertThat(BsdConstants.DRAGONFLY.soError()).isEqualTo(0x1007);
        assertThat(BsdConstants.DRAGONFLY.ipv6V6only()).isEqualTo(27);
    }

    @Test
    void errnoTablesMapBothWays() {
        assertThat(BsdConstants.FREEBSD.errnos().errno(35)).isEqualTo(Errno.EAGAIN);
        assertThat(BsdConstants.FREEBSD.errnos().errno(48)).isEqualTo(Errno.EADDRINUSE);
        assertThat(BsdConstants.FREEBSD.errnos().number(Errno.ECONNRESET)).isEqualTo(54);
        assertThat(BsdConstants.FREEBSD.errnos().errno(45)).isEqualTo(Errno.EOPNOTSUPP);
        assertThat(BsdConstants.DARWIN.errnos().errno(102)).isEqualTo(Errno.EOPNOTSUPP);
        assertThat(BsdConstants.DARWIN.errnos().errno(45)).isEqualTo(Errno.UNKNOWN);
        assertThat(BsdConstants.FREEBSD.errnos().errno(13)).isEqualTo(Errno.EACCES);
        assertThat(BsdConstants.DARWIN.errnos().errno(13)).isEqualTo(Errno.EACCES);
    }

    @Test
    void forOsRefusesLinux() {
        assertThat(BsdConstants.forOs(HostOs.OPENBSD)).isSameAs(BsdConstants.OPENBSD);
        assertThatIllegalArgumentException().isThrownBy(() -> BsdConstants.forOs(HostOs.LINUX));
    }

    @Test
    void descriptorLimitValuesAreTheBsdOnes() {
        // docs/native-abi.md §12: the same on FreeBSD, macOS, OpenBSD and DragonFly, and unlike Linux.
        assertThat(BsdConstants.RLIMITS.rlimitNofile()).isEqualTo(8);
        assertThat(BsdConstants.RLIMITS.rlimInfinity()).isEqualTo(0x7FFF_FFFF_FFFF_FFFFL);
    }

}
