package dev.kqlisten;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The JVM arguments {@code ./mvnw spring-boot:run} passes (the {@code spring-boot.run.jvmArguments}
 * property of pom.xml): accepted by the Java that runs the tests (17 in CI), and on Java 22 and
 * later they silence JNA's native-access warning, which {@code java -jar} avoids through the
 * manifest's {@code Enable-Native-Access}. Each check loads JNA's native library in a child JVM.
 */
class SpringBootRunJvmArgumentsTests {

    private static final String WARNING = "WARNING: A restricted method";

    @Test
    void theTestJavaAcceptsThemAndLoadsJna() throws Exception {
        Result result = loadJna(Paths.get(System.getProperty("java.home")), runJvmArguments());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Java Native Access").doesNotContain(WARNING);
    }

    @Test
    void theySilenceTheNativeAccessWarningOfJava22AndLater() throws Exception {
        Optional<Path> jdk = newerJdk();
        assumeThat(jdk).as("no JDK 22 or later under /usr/lib/jvm").isPresent();
        Result without = loadJna(jdk.get(), List.of());
        assertThat(without.output()).as("the warning this guards against").contains(WARNING);
        Result with = loadJna(jdk.get(), runJvmArguments());
        assertThat(with.exitCode()).as(with.output()).isZero();
        assertThat(with.output()).contains("Java Native Access").doesNotContain(WARNING);
    }

    private static List<String> runJvmArguments() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Paths.get("pom.xml").toFile());
        var nodes = pom.getElementsByTagName("spring-boot.run.jvmArguments");
        assertThat(nodes.getLength()).as("spring-boot.run.jvmArguments in pom.xml").isEqualTo(1);
        return List.of(nodes.item(0).getTextContent().trim().split("\\s+"));
    }

    /** {@code java ARGS -cp jna.jar com.sun.jna.Native}: JNA's version report, after loading its library. */
    private static Result loadJna(Path javaHome, List<String> arguments) throws Exception {
        String jna = Paths.get(Native.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin/java").toString());
        command.addAll(arguments);
        command.addAll(List.of("-cp", jna, "com.sun.jna.Native"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("no answer within 60 s from " + command);
            }
            return new Result(process.exitValue(),
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        finally {
            process.destroyForcibly();
        }
    }

    /** A JDK of release 22 or later under /usr/lib/jvm, read from its {@code release} file. */
    private static Optional<Path> newerJdk() throws IOException {
        Path jvms = Paths.get("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter((home) -> Files.isExecutable(home.resolve("bin/java")))
                .filter((home) -> featureRelease(home) >= 22)
                .findFirst();
        }
    }

    private static int featureRelease(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        }
        catch (IOException | RuntimeException ex) {
            // not a JDK with a readable release file
        }
        return 0;
    }

    private record Result(int exitCode, String output) {
    }

}
