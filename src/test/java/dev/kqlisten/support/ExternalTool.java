package dev.kqlisten.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds a program from a Debian package that a test runs as a real client or server. Missing,
 * it fails the test when the environment variable CI is {@code true} (CI installs it) and
 * otherwise aborts it as skipped with a loud message, never passing it.
 */
public final class ExternalTool {

    private ExternalTool() {
    }

    /**
     * @param program the executable's name
     * @param debianPackage the package that provides it
     * @param directories where to look besides PATH (e.g. /usr/sbin)
     */
    public static Path require(String program, String debianPackage, String... directories) {
        List<Path> candidates = new ArrayList<>();
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!directory.isEmpty()) {
                candidates.add(Path.of(directory, program));
            }
        }
        for (String directory : directories) {
            candidates.add(Path.of(directory, program));
        }
        for (Path candidate : candidates) {
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = "\n*** No '" + program + "' on PATH or in " + List.of(directories) + ". Install Debian's '"
                + debianPackage + "' package (bash .ci/run does). ***\n";
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(message);
        }
        System.err.println(message);
        Assumptions.abort(message + " SKIPPED because CI is not 'true'.");
        throw new AssertionError("unreachable");
    }

}
