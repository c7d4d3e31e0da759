package dev.kqlisten.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.kqlisten.boot.event.TcpConnectionClosedEvent;
import dev.kqlisten.boot.event.TcpConnectionOpenedEvent;
import dev.kqlisten.boot.event.TcpDataReceivedEvent;
import dev.kqlisten.support.BackendTest;
import dev.kqlisten.support.TestApplication;
import dev.kqlisten.support.TestBackend;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A descriptor number closed while events for it are still queued, and reused at once by a
 * new connection (the kernel hands out the lowest free number), must never carry the old
 * connection's bytes into the new one, nor the new one's into the old.
 * <p>
 * Rounds of clients end (FIN, half-close or RST) while the next round connects and sends, so
 * closes and accepts share the poller's batches and descriptor numbers are reused within them.
 * Every client's bytes encode its identity and position: an 8-byte identity first, then a
 * byte that is a function of both. A listener checks every read against the identity its
 * connection announced, so a byte delivered to the wrong connection is caught at once.
 */
@Tag("kqueue")
@Timeout(120)
class DescriptorReuseIntegrationTests {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private static final int ROUNDS = 40;

    private static final int PER_ROUND = 50;

    private static final int PART = 3000;

    @BackendTest
    void noReadIsEverDeliveredToAnotherConnection(TestBackend backend) throws Exception {
        ExecutorService clientsPool = Executors.newFixedThreadPool(8);
        List<Client> previous = new ArrayList<>();
        Map<Long, Integer> portByIdentity = new ConcurrentHashMap<>();
        Map<Long, Long> sentByIdentity = new ConcurrentHashMap<>();
        // A small read buffer: many events per connection, so more of them are queued at a close.
        try (ConfigurableApplicationContext context = TestApplication.start(backend, List.of(IdentityChecker.class),
                "--kqlisten.listeners[0].read-buffer-size=512B")) {
            IdentityChecker checker = context.getBean(IdentityChecker.class);
            int port = TestApplication.port(context);
            int ended = 0;
            for (int round = 0; round <= ROUNDS; round++) {
                List<Future<Client>> opening = new ArrayList<>();
                List<Future<?>> ending = new ArrayList<>();
                for (int i = 0; i < PER_ROUND; i++) {
                    if (round < ROUNDS) {
                        long identity = 1_000_000L * (round + 1) + i;
                        opening.add(clientsPool.submit(() -> {
                            Socket client = new Socket(InetAddress.getLoopbackAddress(), port);
                            portByIdentity.put(identity, client.getLocalPort());
                            write(client, identity, 0, PART);
                            return new Client(client, identity);
                        }));
                    }
                    if (!previous.isEmpty()) {
                        Client client = previous.get(i);
                        int style = i % 4;
                        ending.add(clientsPool.submit(() -> {
                            end(client.socket(), client.identity(), style, sentByIdentity);
                            return null;
                        }));
                    }
                }
                for (Future<?> end : ending) {
                    end.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                }
                ended += ending.size();
                previous = new ArrayList<>();
                for (Future<Client> open : opening) {
                    previous.add(open.get(WAIT.toSeconds(), TimeUnit.SECONDS));
                }
                checker.awaitClosed(ended, WAIT);
            }
            assertThat(checker.violations).isEmpty();
            assertThat(checker.identities).hasSize(ROUNDS * PER_ROUND);
            checker.identities.forEach((identity, seen) -> {
                assertThat(seen.port).as("port of client " + identity).isEqualTo(portByIdentity.get(identity));
                if (seen.reset) {
                    assertThat(seen.received).isLessThanOrEqualTo(sentByIdentity.get(identity));
                }
                else {
                    assertThat(seen.received).as("bytes of client " + identity).isEqualTo(sentByIdentity.get(identity));
                }
            });
        }
        finally {
            clientsPool.shutdownNow();
            clientsPool.awaitTermination(10, TimeUnit.SECONDS);
            for (Client client : previous) {
                client.socket().close();
            }
        }
    }

    record Client(Socket socket, long identity) {
    }

    /** The byte at {@code position} (8 or more) of the stream of {@code identity}. */
    static byte expected(long identity, long position) {
        long h = (identity * 0x9E3779B97F4A7C15L) ^ (position * 0xBF58476D1CE4E5B9L);
        return (byte) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    /** Writes bytes [offset, offset + length) of the stream of {@code identity}. */
    private static void write(Socket client, long identity, int offset, int length) throws IOException {
        byte[] bytes = new byte[length];
        for (int k = 0; k < length; k++) {
            int position = offset + k;
            bytes[k] = (position < 8) ? (byte) (identity >>> (56 - 8 * position)) : expected(identity, position);
        }
        OutputStream out = client.getOutputStream();
        out.write(bytes);
    }

    /** Sends a second part, then: 0 close, 1 half-close, 2 RST, 3 RST without a second part. */
    private static void end(Socket client, long identity, int style, Map<Long, Long> sent) throws IOException {
        int total = PART;
        if (style != 3) {
            write(client, identity, PART, PART);
            total += PART;
        }
        sent.put(identity, (long) total);
        switch (style) {
            case 0 -> client.close();
            case 1 -> {
                client.shutdownOutput();
                client.setSoTimeout((int) WAIT.toMillis());
                client.getInputStream().read();
                client.close();
            }
            default -> {
                client.setSoLinger(true, 0);
                client.close();
            }
        }
    }

    /** Checks every read against the identity its connection announced in its first 8 bytes. */
    static class IdentityChecker {

        final List<String> violations = new CopyOnWriteArrayList<>();

        final Map<Long, Seen> identities = new ConcurrentHashMap<>();

        private final Map<Long, Seen> byConnection = new ConcurrentHashMap<>();

        private int closed;

        @EventListener
        void opened(TcpConnectionOpenedEvent event) {
            this.byConnection.put(event.getConnectionId(), new Seen(event.getRemoteAddress().getPort()));
        }

        @EventListener
        void read(TcpDataReceivedEvent event) {
            Seen seen = this.byConnection.get(event.getConnectionId());
            ByteBuffer data = event.getData();
            while (data.hasRemaining()) {
                byte b = data.get();
                long position = seen.received++;
                if (position < 8) {
                    seen.identity = (seen.identity << 8) | (b & 0xFF);
                    if (position == 7 && this.identities.putIfAbsent(seen.identity, seen) != null) {
                        this.violations.add("#" + event.getConnectionId() + ": identity " + seen.identity
                                + " announced by two connections");
                    }
                }
                else if (b != expected(seen.identity, position)) {
                    this.violations.add("#" + event.getConnectionId() + " (client " + seen.identity + ", port "
                            + seen.port + "): byte " + position + " of a read of " + event.getLength()
                            + " is not the client's");
                    return;
                }
            }
        }

        @EventListener
        void closed(TcpConnectionClosedEvent event) {
            Seen seen = this.byConnection.remove(event.getConnectionId());
            seen.reset = "RESET".equals(event.getReason().name());
            synchronized (this) {
                this.closed++;
                notifyAll();
            }
        }

        synchronized void awaitClosed(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (this.closed < count) {
                long left = deadline - System.nanoTime();
                assertThat(left).as("connections closed within " + timeout + ": " + this.closed + " of " + count)
                    .isPositive();
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
        }

    }

    /** One server connection as the checker saw it; written on the poller thread only. */
    static final class Seen {

        final int port;

        volatile long identity;

        volatile long received;

        volatile boolean reset;

        Seen(int port) {
            this.port = port;
        }

    }

}
