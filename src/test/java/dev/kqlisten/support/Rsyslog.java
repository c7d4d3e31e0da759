package dev.kqlisten.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's rsyslogd, started by a test in the foreground on loopback: an {@code imtcp} input on
 * an ephemeral port (read back from its port file) whose messages an {@code omfwd} action
 * forwards over TCP to a target port, with the framing asked for. Stopped with SIGTERM on
 * {@link #close()}, killed if it does not end within 10 s.
 */
public final class Rsyslog implements AutoCloseable {

    private final Process process;

    private final int inputPort;

    private final Path directory;

    private Rsyslog(Process process, int inputPort, Path directory) {
        this.process = process;
        this.inputPort = inputPort;
        this.directory = directory;
    }

    /**
     * @param directory an empty working directory
     * @param targetPort where to forward, on 127.0.0.1
     * @param framing {@code octet-counted} or {@code traditional} (LF), omfwd's TCP_Framing
     */
    public static Rsyslog forwardTo(Path directory, int targetPort, String framing) throws Exception {
        Path binary = ExternalTool.require("rsyslogd", "rsyslog", "/usr/sbin", "/sbin");
        Path portFile = directory.resolve("input.port");
        Path config = directory.resolve("rsyslog.conf");
        // A disk-less in-memory queue that retries until the target accepts: every message is
        // delivered once the target listens, none dropped by rsyslog's defaults.
        Files.writeString(config, """
                global(workDirectory="%s" maxMessageSize="64k")
                module(load="imtcp")
                input(type="imtcp" port="0" listenPortFileName="%s" ruleset="forward")
                ruleset(name="forward") {
                  action(type="omfwd" target="127.0.0.1" port="%d" protocol="tcp" TCP_Framing="%s"
                         queue.type="LinkedList" queue.size="100000" action.resumeRetryCount="-1"
                         action.resumeInterval="1")
                }
                """.formatted(directory, portFile, targetPort, framing), StandardCharsets.US_ASCII);
        Process process = new ProcessBuilder(binary.toString(), "-n", "-f", config.toString(), "-i",
                directory.resolve("rsyslogd.pid").toString())
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("rsyslogd.log").toFile())
            .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (Files.exists(portFile)) {
                String text = Files.readString(portFile).trim();
                if (!text.isEmpty()) {
                    return new Rsyslog(process, Integer.parseInt(text), directory);
                }
            }
            if (!process.isAlive()) {
                break;
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new IOException("rsyslogd did not listen within 20 s; its log: "
                + Files.readString(directory.resolve("rsyslogd.log")));
    }

    /** The port of its imtcp input on 127.0.0.1. */
    public int inputPort() {
        return this.inputPort;
    }

    /** What rsyslogd printed. */
    public String log() throws IOException {
        return Files.readString(this.directory.resolve("rsyslogd.log"));
    }

    @Override
    public void close() throws InterruptedException {
        this.process.destroy();
        if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
            this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

}
