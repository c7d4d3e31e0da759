package dev.kqlisten.nativeio;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.kqlisten.support.TestBackend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The contract against kqueue, through {@link Multiplexers#open(TransportOptions)}: the C
 * library's kqueue on a BSD; on Linux the kqueue-compatible test library that
 * {@link TestBackend#kqueue()} locates. Without that library the tests abort (skipped, with a
 * message on stderr): they never pass without having run.
 */
@Tag("kqueue")
class KQueueMultiplexerTests extends MultiplexerContractTests {

    @Override
    TransportOptions options() {
        return options(64);
    }

    static TransportOptions options(int maxEvents) {
        return TestBackend.kqueue().assumeAvailable().options(maxEvents, 4096);
    }

    @Override
    String expectedBackend() {
        return "kqueue";
    }

    /**
     * More queued changes than the event list has room for: they must go in chunks (docs/native-abi.md
     * §7.3, with no room a failing change drops the later ones), the changelist must grow past
     * its initial 256 entries, and every registration must end up applied.
     */
    @Test
    void changesBeyondTheEventListAndTheInitialChangelistAreAllApplied() throws Exception {
        this.transport.close();
        this.transport = Multiplexers.open(options(4));
        this.mux = this.transport.multiplexer();
        this.sockets = this.transport.sockets();
        ReadyEvents small = new ReadyEvents(4);
        int listenFd = listen("127.0.0.1");
        for (int i = 0; i < 300; i++) {
            this.mux.register(listenFd, LISTENER);
        }
        Set<Long> pending = new HashSet<>();
        for (long id = 10; id < 20; id++) {
            Connected c = connected(id);
            c.client().getOutputStream().write(1);
            pending.add(id);
        }
        long deadline = System.nanoTime() + PATIENCE;
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            int n = this.mux.await(small, WAIT);
            for (int i = 0; i < n; i++) {
                assertThat(small.isError(i)).as("error event for id %d", small.id(i)).isFalse();
                pending.remove(small.id(i));
            }
        }
        assertThat(pending).isEmpty();
    }

    /**
     * A hundred registrations submitted in one changelist and a hundred ready connections
     * reported by one wait, each with its own id and its own byte count: with a wrong
     * {@code struct kevent} stride, changes are skipped and events read from the wrong offsets.
     */
    @Test
    void aHundredRegistrationsAndAHundredEventsInOneCallKeepTheirIdsAndByteCounts() throws Exception {
        this.transport.close();
        this.transport = Multiplexers.open(options(256));
        this.mux = this.transport.multiplexer();
        this.sockets = this.transport.sockets();
        int listenFd = listen("127.0.0.1");
        java.net.InetSocketAddress address = this.sockets.localAddress(listenFd);
        int count = 100;
        for (int i = 0; i < count; i++) {
            java.net.Socket client = connect(address);
            this.mux.register(acceptOne(listenFd), 1000 + i);
            client.getOutputStream().write(new byte[i + 1]);
        }
        ReadyEvents all = new ReadyEvents(256);
        long deadline = System.nanoTime() + PATIENCE;
        int largest = 0;
        while (System.nanoTime() < deadline) {
            int n = this.mux.await(all, WAIT);
            largest = Math.max(largest, n);
            Set<Long> ids = new HashSet<>();
            for (int e = 0; e < n; e++) {
                long id = all.id(e);
                assertThat(all.isError(e)).as("error event for id %d", id).isFalse();
                assertThat(ids.add(id)).as("id %d reported twice in one wait", id).isTrue();
                assertThat(id).isBetween(1000L, 1000L + count - 1);
                // Level-triggered: a connection is reported once all it sent has arrived, or with less.
                assertThat(all.available(e)).as("bytes of id %d", id).isBetween(1L, id - 1000 + 1);
            }
            if (n == count) {
                for (int e = 0; e < n; e++) {
                    assertThat(all.available(e)).as("bytes of id %d", all.id(e)).isEqualTo(all.id(e) - 1000 + 1);
                }
                return;
            }
        }
        throw new AssertionError("no wait reported all " + count + " connections; the largest batch was " + largest);
    }

    /** Natives bind once per JVM: a second, different library must be refused by name. */
    @Test
    void aSecondKqueueLibraryInTheSameJvmIsRefusedNamingBoth() {
        String bound = options().kqueueLibrary();
        assumeTrue(bound != null, "only with a named kqueue library");
        String other = bound + ".other";
        assertThatExceptionOfType(NativeTransportUnavailableException.class)
            .isThrownBy(() -> Multiplexers.open(new TransportOptions(Backend.KQUEUE, other, options().kqueueAbi(), 4,
                    64)))
            .withMessageContaining(bound)
            .withMessageContaining(other);
    }

}
