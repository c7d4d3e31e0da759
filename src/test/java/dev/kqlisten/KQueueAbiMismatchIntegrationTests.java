package dev.kqlisten;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.kqlisten.support.ChildApplication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * The application started, as a user would, with a kqueue library whose ABI is not the
 * configured layout: start-up must fail with the analyzer's explanation and bind nothing, never
 * start and lose data. Two pairs from the issue: the FreeBSD-layout library opened with
 * {@code darwin}, and the libkqueue-style library with {@code freebsd} (the 64-byte layout over
 * a 32-byte library). A child JVM each, so no kqueue natives of this JVM are involved.
 */
class KQueueAbiMismatchIntegrationTests {

    @Test
    @Timeout(120)
    void aFreeBsdLayoutLibraryOpenedAsDarwinFailsStartUpNamingFreeBsd() throws Exception {
        String output = start("freebsd", "darwin");
        assertThat(output).contains("The kqueue library " + library("freebsd")
                + " does not speak the 'darwin' struct kevent layout (set by kqlisten.kqueue.layout).");
        assertThat(output).contains("Expected: with the 32-byte struct kevent, EVFILT_USER -10,");
        assertThat(output).contains("Set 'kqlisten.kqueue.layout' to freebsd: the library passed the same check with "
                + "that layout.");
    }

    @Test
    @Timeout(120)
    void aLibkqueueStyleLibraryOpenedAsFreeBsdFailsStartUpNamingLibkqueue() throws Exception {
        String output = start("libkqueue", "freebsd");
        assertThat(output).contains("does not speak the 'freebsd' struct kevent layout (set by kqlisten.kqueue.layout).");
        assertThat(output).contains("Expected: with the 64-byte struct kevent, EVFILT_USER -11,");
        assertThat(output).contains("Set 'kqlisten.kqueue.layout' to libkqueue");
    }

    private static String start(String build, String layout) throws Exception {
        try (ChildApplication child = ChildApplication.start(4096, List.of(), List.of("--server.port=0",
                "--kqlisten.backend=kqueue", "--kqlisten.kqueue.library=" + library(build),
                "--kqlisten.kqueue.layout=" + layout, "--kqlisten.listeners[0].name=it",
                "--kqlisten.listeners[0].port=0"))) {
            assertThat(child.awaitExit(Duration.ofSeconds(90))).as("exit status").isNotZero();
            String output = child.output();
            assertThat(output).contains("APPLICATION FAILED TO START");
            assertThat(output).doesNotContain("Kqlisten started");
            return output;
        }
    }

    private static String library(String build) {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            abort("the test library builds exist on Linux only");
        }
        Path path = Path.of(System.getProperty("kqlisten.test.kqueue.native-dir", "target/native"),
                "libkqcompat-" + build + ".so");
        if (!Files.isRegularFile(path)) {
            String message = "KQUEUE ABI MISMATCH TESTS SKIPPED: no test library " + path
                    + " (build it with src/test/native/build.sh)";
            System.err.println("*** " + message + " ***");
            abort(message);
        }
        return path.toString();
    }

}
