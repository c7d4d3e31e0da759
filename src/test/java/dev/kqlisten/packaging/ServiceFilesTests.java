package dev.kqlisten.packaging;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import dev.kqlisten.boot.KqlistenProperties;
import dev.kqlisten.support.ExternalTool;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service files of {@code src/packaging} (README "Operations"): the FreeBSD rc.d script passes
 * shellcheck and, run by dash against a stand-in for rc.subr and daemon(8) (src/test/packaging),
 * starts the JVM with the configured paths and stops it waiting for the JVM's own pid; the launchd
 * plist and the systemd unit carry the settings the README describes, matched against kqlisten's
 * defaults (shutdown timeout, descriptor reserve), and the unit passes {@code systemd-analyze verify}.
 * Without shellcheck or systemd-analyze the checks fail under CI=true and are skipped otherwise.
 */
@Timeout(120)
class ServiceFilesTests {

    private static final Path RC_SCRIPT = Path.of("src/packaging/freebsd/kqlisten");

    private static final Path PLIST = Path.of("src/packaging/macos/dev.kqlisten.plist");

    private static final Path UNIT = Path.of("src/packaging/linux/kqlisten.service");

    private static final Path STAND_INS = Path.of("src/test/packaging");

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private static final KqlistenProperties DEFAULTS = new KqlistenProperties();

    private final List<Long> started = new ArrayList<>();

    @AfterEach
    void killWhatTheScriptStarted() {
        for (long pid : this.started) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void rcScriptPassesShellcheckAsPosixSh() throws Exception {
        Path shellcheck = ExternalTool.require("shellcheck", "shellcheck");
        Result result = run(List.of(shellcheck.toString(), "--shell=sh", "--severity=style", RC_SCRIPT.toString()),
                Map.of());
        assertThat(result.output()).isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void rcScriptStartsTheJvmUnderDaemonAndStopWaitsForTheJvm(@TempDir Path dir) throws Exception {
        Rc rc = Rc.install(dir, """
                kqlisten_enable="YES"
                kqlisten_args="--spring.config.location=%1$s/application.yml --kqlisten.shutdown-timeout=5s"
                kqlisten_user="kqlistend"
                kqlisten_pidfile="%1$s/run/kqlisten.pid"
                kqlisten_java_pidfile="%1$s/run/kqlisten-java.pid"
                kqlisten_logfile="%1$s/log/kqlisten.log"
                """.formatted(dir));

        Result start = rc.run("start");
        assertThat(start.exitCode()).as(start.output()).isZero();
        assertThat(start.output()).contains("Starting kqlisten.");
        Path java = dir.resolve("jdk/bin/java");
        assertThat(Files.readAllLines(dir.resolve("daemon.argv"))).containsExactly("-f", "-r", "-t", "kqlisten",
                "-P", dir + "/run/kqlisten.pid", "-p", dir + "/run/kqlisten-java.pid",
                "-o", dir + "/log/kqlisten.log", "-u", "kqlistend",
                java.toString(), "-XX:+ExitOnOutOfMemoryError", "-jar", dir + "/lib/kqlisten-exec.jar",
                "--spring.config.location=" + dir + "/application.yml", "--kqlisten.shutdown-timeout=5s");

        awaitTrue(() -> Files.exists(dir.resolve("java.argv")), "the JVM stand-in started");
        long supervisor = readPid(dir.resolve("run/kqlisten.pid"));
        long jvm = readPid(dir.resolve("run/kqlisten-java.pid"));
        this.started.add(supervisor);
        this.started.add(jvm);
        assertThat(Files.readAllLines(dir.resolve("java.argv"))).containsExactly("-XX:+ExitOnOutOfMemoryError",
                "-jar", dir + "/lib/kqlisten-exec.jar", "--spring.config.location=" + dir + "/application.yml",
                "--kqlisten.shutdown-timeout=5s");
        awaitTrue(() -> read(dir.resolve("log/kqlisten.log")).contains("java stand-in started"),
                "the JVM's output reached the log file");

        Result status = rc.run("status");
        assertThat(status.exitCode()).isZero();
        assertThat(status.output()).contains("kqlisten is running as pid " + supervisor + ".");

        Result again = rc.run("start");
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.output()).contains("already running? (pid=" + supervisor + ")");

        Result stop = rc.run("stop");
        assertThat(stop.exitCode()).as(stop.output()).isZero();
        // The supervisor exits at once on SIGTERM; the JVM takes a second to drain. Stop returning
        // only after the JVM has gone is what the stop_postcmd is for.
        assertThat(isAlive(jvm)).as("JVM still running after stop returned").isFalse();
        assertThat(isAlive(supervisor)).isFalse();
        assertThat(read(dir.resolve("log/kqlisten.log"))).contains("java stand-in: stopped");

        Result stopped = rc.run("status");
        assertThat(stopped.exitCode()).isNotZero();
        assertThat(stopped.output()).contains("kqlisten is not running.");
        Result stopAgain = rc.run("stop");
        assertThat(stopAgain.exitCode()).isNotZero();
        assertThat(stopAgain.output()).contains("kqlisten not running?");
    }

    @Test
    void rcScriptStartsNothingUntilEnabled(@TempDir Path dir) throws Exception {
        Rc rc = Rc.install(dir, "");
        Result start = rc.run("start");
        assertThat(start.output()).contains("Set kqlisten_enable to YES");
        assertThat(dir.resolve("daemon.argv")).doesNotExist();
    }

    @Test
    void rcScriptRefusesAJavaHomeWithoutJava(@TempDir Path dir) throws Exception {
        Rc rc = Rc.install(dir, """
                kqlisten_enable="YES"
                kqlisten_java_home="%s/nowhere"
                """.formatted(dir));
        Result start = rc.run("start");
        assertThat(start.exitCode()).isNotZero();
        assertThat(start.output()).contains(dir + "/nowhere/bin/java is not executable");
        assertThat(dir.resolve("daemon.argv")).doesNotExist();
    }

    @Test
    void launchdPlistKeepsTheJarRunningWithTheDescriptorLimitAndDrainTime() throws Exception {
        Map<String, Object> job = plist(PLIST);
        assertThat(job).containsEntry("Label", "dev.kqlisten");
        List<Object> arguments = List.copyOf((List<?>) job.get("ProgramArguments"));
        assertThat((String) arguments.get(0)).endsWith("/bin/java");
        assertThat(arguments.subList(arguments.size() - 2, arguments.size()))
            .containsExactly((Object) "-jar", "/usr/local/lib/kqlisten/kqlisten-exec.jar");
        assertThat(job).containsEntry("RunAtLoad", true).containsEntry("KeepAlive", true);
        assertThat((String) job.get("StandardOutPath")).isNotBlank();
        assertThat(job.get("StandardErrorPath")).isEqualTo(job.get("StandardOutPath"));
        Object soft = ((Map<?, ?>) job.get("SoftResourceLimits")).get("NumberOfFiles");
        Object hard = ((Map<?, ?>) job.get("HardResourceLimits")).get("NumberOfFiles");
        assertThat(soft).isEqualTo(hard);
        assertThat((Long) soft).isGreaterThan(DEFAULTS.getReservedDescriptors() * 10L);
        assertThat((Long) job.get("ExitTimeOut")).isGreaterThan(2 * DEFAULTS.getShutdownTimeout().toSeconds());
    }

    @Test
    void systemdUnitRunsTheJarAndLetsTheDrainFinish() throws Exception {
        Map<String, List<String>> service = unitSection(UNIT, "Service");
        assertThat(service.get("Type")).singleElement().isIn("exec", "simple");
        assertThat(service.get("User")).containsExactly("kqlisten");
        assertThat(service.get("ExecStart")).singleElement()
            .asString()
            .startsWith("/usr/bin/java ")
            .contains(" -jar /opt/kqlisten/kqlisten-exec.jar");
        assertThat(Long.parseLong(service.get("LimitNOFILE").get(0)))
            .isGreaterThan(DEFAULTS.getReservedDescriptors() * 10L);
        assertThat(service.get("Restart")).containsExactly("on-failure");
        assertThat(service.get("SuccessExitStatus")).containsExactly("143");
        String stopTimeout = service.get("TimeoutStopSec").get(0);
        assertThat(stopTimeout).endsWith("s");
        // Executor dispatch mode may wait the shutdown timeout twice (pollers, then dispatch threads).
        assertThat(Long.parseLong(stopTimeout.substring(0, stopTimeout.length() - 1)))
            .isGreaterThan(2 * DEFAULTS.getShutdownTimeout().toSeconds());
        assertThat(service).doesNotContainKeys("MemoryDenyWriteExecute", "SystemCallFilter");
        assertThat(unitSection(UNIT, "Install").get("WantedBy")).containsExactly("multi-user.target");
    }

    @Test
    void systemdUnitPassesSystemdAnalyzeVerify(@TempDir Path dir) throws Exception {
        Path analyze = ExternalTool.require("systemd-analyze", "systemd");
        Path copy = Files.copy(UNIT, dir.resolve("kqlisten.service"));
        Result result = run(List.of(analyze.toString(), "verify", copy.toString()), Map.of());
        // verify reports unknown keys and bad values as warnings with exit code 0: any output fails.
        assertThat(result.output()).isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    /** The rc.d script installed in a directory with the stand-ins, and its rc.conf. */
    private record Rc(Path dir, Path script, Path dash) {

        static Rc install(Path dir, String rcConf) throws IOException {
            Path dash = ExternalTool.require("dash", "dash");
            String script = Files.readString(RC_SCRIPT);
            String sourceLine = "\n. /etc/rc.subr\n";
            assertThat(script.split(sourceLine.replace(".", "\\."), -1)).hasSize(2);
            Path installed = dir.resolve("kqlisten");
            Files.writeString(installed,
                    script.replace(sourceLine, "\n. " + STAND_INS.toAbsolutePath().resolve("rc.subr") + "\n"));
            Path bin = Files.createDirectories(dir.resolve("jdk/bin"));
            Files.copy(STAND_INS.resolve("java"), bin.resolve("java"));
            Files.copy(STAND_INS.resolve("daemon"), dir.resolve("daemon"));
            Files.createDirectories(dir.resolve("run"));
            Files.createDirectories(dir.resolve("log"));
            Files.createDirectories(dir.resolve("lib"));
            Files.writeString(dir.resolve("lib/kqlisten-exec.jar"), "not a jar");
            Files.writeString(dir.resolve("rc.conf"), """
                    kqlisten_java_home="%1$s/jdk"
                    kqlisten_jar="%1$s/lib/kqlisten-exec.jar"
                    kqlisten_program="%1$s/daemon"
                    """.formatted(dir) + rcConf);
            return new Rc(dir, installed, dash);
        }

        Result run(String command) throws Exception {
            return ServiceFilesTests.run(List.of(this.dash.toString(), this.script.toString(), command),
                    Map.of("KQLISTEN_TEST_RC_CONF", this.dir.resolve("rc.conf").toString(),
                            "KQLISTEN_TEST_DIR", this.dir.toString()));
        }

    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(List<String> command, Map<String, String> environment) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish within " + DEADLINE);
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static long readPid(Path file) throws IOException {
        return Long.parseLong(Files.readString(file).trim());
    }

    private static boolean isAlive(long pid) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isPresent() && handle.get().isAlive();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Not within " + DEADLINE + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    /** The top-level dict of a property list, without loading its DTD. */
    private static Map<String, Object> plist(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setIgnoringComments(true);
        Element root = factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("plist");
        @SuppressWarnings("unchecked")
        Map<String, Object> dict = (Map<String, Object>) value(elements(root).get(0));
        return dict;
    }

    private static Object value(Element element) {
        return switch (element.getTagName()) {
            case "dict" -> {
                Map<String, Object> dict = new LinkedHashMap<>();
                List<Element> children = elements(element);
                for (int i = 0; i < children.size(); i += 2) {
                    assertThat(children.get(i).getTagName()).isEqualTo("key");
                    Object previous = dict.put(children.get(i).getTextContent(), value(children.get(i + 1)));
                    assertThat(previous).as("duplicate key " + children.get(i).getTextContent()).isNull();
                }
                yield dict;
            }
            case "array" -> elements(element).stream().map(ServiceFilesTests::value).toList();
            case "string" -> element.getTextContent();
            case "integer" -> Long.parseLong(element.getTextContent().trim());
            case "true" -> true;
            case "false" -> false;
            default -> throw new AssertionError("unexpected plist element " + element.getTagName());
        };
    }

    private static List<Element> elements(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element) {
                elements.add(element);
            }
        }
        return elements;
    }

    /** One section of a systemd unit: each key with its values in order (comments left out). */
    private static Map<String, List<String>> unitSection(Path file, String section) throws IOException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        String current = null;
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            if (trimmed.startsWith("[")) {
                current = trimmed.substring(1, trimmed.length() - 1);
                continue;
            }
            if (section.equals(current)) {
                int equals = trimmed.indexOf('=');
                keys.computeIfAbsent(trimmed.substring(0, equals), (key) -> new ArrayList<>())
                    .add(trimmed.substring(equals + 1));
            }
        }
        assertThat(keys).as("section [" + section + "]").isNotEmpty();
        return keys;
    }

}
