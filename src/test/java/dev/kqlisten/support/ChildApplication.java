package dev.kqlisten.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The application in a child JVM started through {@code sh -c 'ulimit -n N; exec java ...'},
 * so that it runs with a descriptor limit of its own. The child's stdout and stderr are read
 * line by line into memory; a test waits for a line with a deadline. Linux only: the
 * descriptor count and CPU time come from {@code /proc/<pid>}.
 * <p>
 * The classpath is this JVM's: in a Surefire fork {@code java.class.path} is a manifest-only
 * booter jar whose {@code Class-Path} lists the test and main classes and every dependency,
 * and a child JVM given that jar sees the same classes.
 */
public final class ChildApplication implements AutoCloseable {

    /** Added after the child's last line, once its output is closed. */
    private static final String END = "<end of output>";

    private final Process process;

    private final List<String> lines = new ArrayList<>();

    private final Thread reader;

    private ChildApplication(Process process) {
        this.process = process;
        this.reader = new Thread(this::readOutput, "child-output-" + process.pid());
        this.reader.setDaemon(true);
        this.reader.start();
    }

    /**
     * @param descriptorLimit the child's RLIMIT_NOFILE (soft and hard)
     * @param jvmOptions options for the child JVM
     * @param args application arguments
     */
    public static ChildApplication start(int descriptorLimit, List<String> jvmOptions, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of("sh", "-c", "ulimit -n " + descriptorLimit + " && exec \"$@\"",
                "sh", Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.kqlisten.KqlistenApplication");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return new ChildApplication(builder.start());
    }

    private void readOutput() {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                synchronized (this.lines) {
                    this.lines.add(line);
                    this.lines.notifyAll();
                }
            }
        }
        catch (IOException ex) {
            // The child was killed; what was read is kept.
        }
        finally {
            synchronized (this.lines) {
                this.lines.add(END);
                this.lines.notifyAll();
            }
        }
    }

    public long pid() {
        return this.process.pid();
    }

    /** Waits for the first output line matching {@code pattern} and returns its match. */
    public Matcher awaitLine(Pattern pattern, Duration timeout) throws InterruptedException, TimeoutException {
        return awaitLines(pattern, 1, timeout).get(0);
    }

    /** Waits until {@code count} output lines match {@code pattern}; returns their matches. */
    public List<Matcher> awaitLines(Pattern pattern, int count, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this.lines) {
            while (true) {
                List<Matcher> found = matching(pattern);
                if (found.size() >= count) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                boolean ended = !this.lines.isEmpty() && this.lines.get(this.lines.size() - 1).equals(END);
                if (left <= 0 || ended) {
                    throw new TimeoutException("the child did not print " + count + " lines matching '" + pattern
                            + "' within " + timeout + " (alive: " + this.process.isAlive() + "); its output:\n"
                            + String.join("\n", this.lines));
                }
                TimeUnit.NANOSECONDS.timedWait(this.lines, left);
            }
        }
    }

    /** The output lines so far that match {@code pattern}. */
    public List<Matcher> matching(Pattern pattern) {
        synchronized (this.lines) {
            List<Matcher> found = new ArrayList<>();
            for (String line : this.lines) {
                Matcher matcher = pattern.matcher(line);
                if (matcher.find()) {
                    found.add(matcher);
                }
            }
            return found;
        }
    }

    public String output() {
        synchronized (this.lines) {
            return String.join("\n", this.lines);
        }
    }

    /** The child's open descriptors, from /proc/<pid>/fd. */
    public int openDescriptors() {
        String[] entries = new File("/proc/" + pid() + "/fd").list();
        if (entries == null) {
            throw new IllegalStateException("/proc/" + pid() + "/fd is not readable");
        }
        return entries.length;
    }

    /**
     * CPU time the child used so far, user plus system, in clock ticks: fields 14 and 15 of
     * /proc/<pid>/stat (proc(5)), counted after the parenthesised command name, which may hold
     * spaces.
     */
    public long cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state), so field 14 (utime) is fields[11] and 15 (stime) fields[12].
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * Waits for the child to end by itself and for its output to be read; returns its exit
     * status.
     *
     * @throws TimeoutException if it is still running after {@code timeout}
     */
    public int awaitExit(Duration timeout) throws InterruptedException, TimeoutException {
        if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("the child did not end within " + timeout + "; its output:\n" + output());
        }
        this.reader.join(TimeUnit.SECONDS.toMillis(10));
        return this.process.exitValue();
    }

    /** Kills the child (SIGKILL) and waits for it, bounded. */
    @Override
    public void close() throws InterruptedException {
        this.process.destroyForcibly();
        if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("child " + pid() + " did not die within 30 s of SIGKILL");
        }
        this.reader.join(TimeUnit.SECONDS.toMillis(10));
    }

}
