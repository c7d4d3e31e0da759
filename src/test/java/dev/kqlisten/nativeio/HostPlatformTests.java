package dev.kqlisten.nativeio;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Refusals must name what was detected and what is supported (STYLE §9: the failure analyzer
 * relies on this text and on the fields).
 */
class HostPlatformTests {

    @Test
    void recognisesEverySupportedOs() {
        assertThat(HostPlatform.of("Linux", "amd64").os()).isEqualTo(HostOs.LINUX);
        assertThat(HostPlatform.of("FreeBSD", "aarch64").os()).isEqualTo(HostOs.FREEBSD);
        assertThat(HostPlatform.of("Mac OS X", "aarch64").os()).isEqualTo(HostOs.DARWIN);
        assertThat(HostPlatform.of("OpenBSD", "amd64").os()).isEqualTo(HostOs.OPENBSD);
        assertThat(HostPlatform.of("DragonFlyBSD", "x86_64").os()).isEqualTo(HostOs.DRAGONFLY);
    }

    @Test
    void netBsdIsRefusedByName() {
        assertThatExceptionOfType(NativeTransportUnavailableException.class)
            .isThrownBy(() -> HostPlatform.of("NetBSD", "amd64"))
            .satisfies((ex) -> {
                assertThat(ex.getMessage()).contains("'NetBSD'").contains("amd64");
                assertThat(ex.os()).isEqualTo("NetBSD");
                assertThat(ex.arch()).isEqualTo("amd64");
            });
    }

    @Test
    void thirtyTwoBitIsRefusedNamingTheSupportedArchitectures() {
        assertThatExceptionOfType(NativeTransportUnavailableException.class)
            .isThrownBy(() -> HostPlatform.of("Linux", "i386"))
            .withMessageContaining("'i386'")
            .withMessageContaining("Linux")
            .withMessageContaining("64-bit x86_64/amd64 or aarch64/arm64");
    }

    @Test
    void arm64OpenBsdIsRefused() {
        assertThatExceptionOfType(NativeTransportUnavailableException.class)
            .isThrownBy(() -> HostPlatform.of("OpenBSD", "aarch64"))
            .withMessageContaining("only 64-bit x86_64/amd64");
    }

    @Test
    void unknownOsIsRefused() {
        assertThatExceptionOfType(NativeTransportUnavailableException.class)
            .isThrownBy(() -> HostPlatform.of("Plan 9", "amd64"))
            .withMessage("Unsupported operating system 'Plan 9' (amd64)");
    }

}
