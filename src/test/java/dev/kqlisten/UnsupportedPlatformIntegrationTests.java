package dev.kqlisten;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.kqlisten.nativeio.NativeTransportUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

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
    void netBsdFailsStartUpWithTheDetectedPlatformAndTheSupportedList(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-Dos.name=NetBSD", "-Dos.arch=amd64", "-cp",
                System.getProperty("java.class.path"), KqlistenApplication.class.getName(), "--server.port=0",
                "--kqlisten.listeners[0].name=it", "--kqlisten.listeners[0].port=0"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .directory(new File(System.getProperty("user.dir")))
            .start();
        try {
            assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("child JVM ended").isTrue();
            assertThat(child.exitValue()).isNotZero();
        }
        finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(output).contains("APPLICATION FAILED TO START");
        assertThat(output).contains("The kqlisten native transport is not available on NetBSD (amd64) with backend "
                + "auto: Unsupported operating system 'NetBSD' (amd64).");
        assertThat(output).contains("Supported: " + NativeTransportUnavailableException.SUPPORTED + ".");
        assertThat(output).contains("Run on a supported platform, or change 'kqlisten.backend'");
    }

}
