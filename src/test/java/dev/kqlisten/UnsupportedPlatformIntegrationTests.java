package dev.kqlisten;

import java.time.Duration;
import java.util.List;

import dev.kqlisten.nativeio.NativeTransportUnavailableException;
import dev.kqlisten.support.ChildApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up on an operating system kqlisten has no tables for must fail with an explanation
 * naming what was detected and what is supported, not with a JNA crash. The platform is faked
 * the only way it can be: a child JVM started with {@code -Dos.name=NetBSD}, read once by
 * {@code HostPlatform} before any native code loads.
 */
class UnsupportedPlatformIntegrationTests {

    @Test
    @Timeout(120)
    void netBsdFailsStartUpWithTheDetectedPlatformAndTheSupportedList() throws Exception {
        String output;
        try (ChildApplication child = ChildApplication.start(4096, List.of("-Dos.name=NetBSD", "-Dos.arch=amd64"),
                List.of("--server.port=0", "--kqlisten.listeners[0].name=it", "--kqlisten.listeners[0].port=0"))) {
            assertThat(child.awaitExit(Duration.ofSeconds(90))).as("exit status").isNotZero();
            output = child.output();
        }
        assertThat(output).contains("APPLICATION FAILED TO START");
        assertThat(output).contains("The kqlisten native transport is not available on NetBSD (amd64) with backend "
                + "auto: Unsupported operating system 'NetBSD' (amd64).");
        assertThat(output).contains("Supported: " + NativeTransportUnavailableException.SUPPORTED + ".");
        assertThat(output).contains("Run on a supported platform, or change 'kqlisten.backend'");
    }

}
