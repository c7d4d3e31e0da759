package dev.kqlisten.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's haproxy, started by a test in the foreground ({@code -db}) on loopback with a
 * configuration the test writes. HAProxy cannot report an ephemeral port, so the test picks free
 * ports (see {@link #freePort}) and the configuration gets one more frontend, on a port chosen
 * here, that rejects every connection: HAProxy binds all its listeners before it serves any, so
 * once that port accepts a TCP handshake every frontend is listening, and no probe connection
 * ever reaches a backend. Stopped with SIGTERM on {@link #close()}, killed if it does not end
 * within 10 s.
 */
public final class Haproxy implements AutoCloseable {

    private static final long START_TIMEOUT_SECONDS = 20;

    private final Process process;

    private final Path log;

    private Haproxy(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * @param directory an empty working directory (configuration and log)
     * @param config the configuration: {@code defaults}, frontends and backends (the caller's
     * ports); the readiness frontend is appended
     */
    public static Haproxy start(Path directory, String config) throws Exception {
        Path binary = ExternalTool.require("haproxy", "haproxy", "/usr/sbin", "/sbin");
        int readyPort = freePort(InetAddress.getLoopbackAddress());
        Path file = directory.resolve("haproxy.cfg");
        Files.writeString(file, config + """

                frontend kqlisten_test_ready
                    mode tcp
                    bind 127.0.0.1:%d
                    tcp-request connection reject
                """.formatted(readyPort), StandardCharsets.US_ASCII);
        Path log = directory.resolve("haproxy.log");
        Process process = new ProcessBuilder(binary.toString(), "-db", "-f", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        Haproxy haproxy = new Haproxy(process, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), readyPort), 1000);
                return haproxy;
            }
            catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        haproxy.close();
        throw new IOException("haproxy did not listen on 127.0.0.1:" + readyPort + " within " + START_TIMEOUT_SECONDS
                + " s (exit " + (process.isAlive() ? "none" : process.exitValue()) + "); its output:\n" + haproxy.log());
    }

    /**
     * Starts haproxy with the configuration {@code config} gives for fresh free ports, again (up
     * to three times) if it exits at start, in case another process took a port in between.
     */
    public static Haproxy startWithFreePorts(Path directory, Configuration config) throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return start(directory, config.write());
            }
            catch (IOException ex) {
                last = ex;
            }
        }
        throw last;
    }

    /** Writes a configuration, picking its ports with {@link Haproxy#freePort}. */
    @FunctionalInterface
    public interface Configuration {

        String write() throws IOException;

    }

    /** A port nobody listens on right now at {@code address} (the kernel's choice for port 0). */
    public static int freePort(InetAddress address) throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, address)) {
            return socket.getLocalPort();
        }
    }

    /** What haproxy printed. */
    public String log() throws IOException {
        return Files.readString(this.log);
    }

    @Override
    public void close() throws InterruptedException {
        this.process.destroy();
        if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
            this.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

}
