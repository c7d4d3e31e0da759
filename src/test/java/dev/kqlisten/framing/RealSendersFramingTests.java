package dev.kqlisten.framing;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.kqlisten.support.ExternalTool;
import dev.kqlisten.support.Rsyslog;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decoders against senders nobody here wrote: util-linux's {@code logger} and Debian's
 * rsyslog ({@code omfwd}), with RFC 6587 octet counting and with LF framing. Every message
 * arrives once, whole, in order, however the kernel splits the stream into reads.
 */
@Timeout(120)
class RealSendersFramingTests {

    private static final int MESSAGES = 500;

    private static final int MAX = 16 * 1024;

    @TempDir
    Path dir;

    @Test
    void loggerWithOctetCounting() throws Exception {
        assertLoggerMessagesArrive(true, () -> new OctetCountingFrameDecoder(MAX, false));
    }

    @Test
    void loggerWithLfFraming() throws Exception {
        assertLoggerMessagesArrive(false, () -> DelimiterFrameDecoder.lines(MAX));
    }

    @Test
    void loggerWithEitherFramingThroughTheOctetCountingDecodersLinesFallback() throws Exception {
        assertLoggerMessagesArrive(false, () -> new OctetCountingFrameDecoder(MAX, true));
        assertLoggerMessagesArrive(true, () -> new OctetCountingFrameDecoder(MAX, true));
    }

    @Test
    void rsyslogForwardingOctetCounted() throws Exception {
        assertRsyslogMessagesArrive("octet-counted", () -> new OctetCountingFrameDecoder(MAX, false));
    }

    @Test
    void rsyslogForwardingWithLfFraming() throws Exception {
        assertRsyslogMessagesArrive("traditional", () -> DelimiterFrameDecoder.lines(MAX));
    }

    private void assertLoggerMessagesArrive(boolean octetCount, Supplier<FrameDecoder> decoder) throws Exception {
        Path logger = ExternalTool.require("logger", "bsdutils", "/usr/bin", "/bin");
        List<String> messages = messages(new SplittableRandom(octetCount ? 1 : 2));
        Path file = Files.createTempFile(this.dir, "messages", ".txt");
        Files.write(file, messages, StandardCharsets.US_ASCII);
        try (Receiver receiver = new Receiver(decoder)) {
            List<String> command = new ArrayList<>(List.of(logger.toString(), "--tcp", "-n", "127.0.0.1", "-P",
                    String.valueOf(receiver.port()), "-t", "kqtest", "--size", String.valueOf(MAX), "-f",
                    file.toString()));
            if (octetCount) {
                command.add(1, "--octet-count");
            }
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("logger ended").isTrue();
            assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
            receiver.assertReceived(messages);
        }
    }

    private void assertRsyslogMessagesArrive(String framing, Supplier<FrameDecoder> decoder) throws Exception {
        List<String> messages = messages(new SplittableRandom(framing.length()));
        try (Receiver receiver = new Receiver(decoder);
                Rsyslog rsyslog = Rsyslog.forwardTo(this.dir, receiver.port(), framing)) {
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), rsyslog.inputPort())) {
                OutputStream out = client.getOutputStream();
                for (String message : messages) {
                    out.write(("<13>Nov 30 12:00:00 sender kqtest: " + message + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
            }
            receiver.assertReceived(messages);
        }
    }

    /** Numbered messages of random length (up to 4,000 bytes) made of printable ASCII, spaces and digits too. */
    private static List<String> messages(SplittableRandom random) {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < MESSAGES; i++) {
            StringBuilder text = new StringBuilder("msg-%05d".formatted(i));
            int length = (i % 50 == 0) ? 4000 : random.nextInt(0, 200);
            for (int c = 0; c < length; c++) {
                text.append((char) random.nextInt(' ' + 1, '~' + 1));
            }
            messages.add(text.toString());
        }
        return messages;
    }

    /** Accepts connections on 127.0.0.1 and decodes each with its own decoder. */
    static final class Receiver implements AutoCloseable {

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        private final List<String> frames = new CopyOnWriteArrayList<>();

        private final List<String> problems = new CopyOnWriteArrayList<>();

        private final Thread acceptor;

        Receiver(Supplier<FrameDecoder> decoders) throws Exception {
            this.acceptor = new Thread(() -> {
                while (!this.server.isClosed()) {
                    try {
                        Socket socket = this.server.accept();
                        Thread reader = new Thread(() -> read(socket, decoders.get()), "receiver-reader");
                        reader.setDaemon(true);
                        reader.start();
                    }
                    catch (Exception ex) {
                        return;
                    }
                }
            }, "receiver-acceptor");
            this.acceptor.setDaemon(true);
            this.acceptor.start();
        }

        int port() {
            return this.server.getLocalPort();
        }

        private void read(Socket socket, FrameDecoder decoder) {
            FrameHandler handler = new FrameHandler() {

                @Override
                public void frame(ByteBuffer frame, long offset) {
                    byte[] bytes = new byte[frame.remaining()];
                    frame.get(bytes);
                    Receiver.this.frames.add(new String(bytes, StandardCharsets.US_ASCII));
                }

                @Override
                public void malformed(FrameError error, long offset) {
                    Receiver.this.problems.add(error + " at " + offset);
                }

                @Override
                public void truncated(ByteBuffer partial, long offset) {
                    Receiver.this.problems.add("truncated at " + offset + " with " + partial.remaining() + " bytes");
                }

            };
            try (socket; InputStream in = socket.getInputStream()) {
                byte[] buffer = new byte[4096];
                int n;
                while ((n = in.read(buffer)) > 0) {
                    decoder.decode(ByteBuffer.wrap(buffer, 0, n), handler);
                }
                decoder.endOfStream(handler);
            }
            catch (Exception ex) {
                this.problems.add(ex.toString());
            }
        }

        void assertReceived(List<String> messages) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (this.frames.size() < messages.size() && this.problems.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(this.problems).isEmpty();
            assertThat(this.frames).hasSize(messages.size());
            for (int i = 0; i < messages.size(); i++) {
                assertThat(this.frames.get(i)).as("frame %d", i).endsWith(" " + messages.get(i));
            }
            this.frames.clear();
        }

        @Override
        public void close() throws Exception {
            this.server.close();
            this.acceptor.join(5000);
        }

    }

}
