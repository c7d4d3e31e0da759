package dev.kqlisten.poller;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionSnapshot;
import dev.kqlisten.connection.ConnectionWriter;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.NativeTransport;

/**
 * The pollers of one listener, each with its own readiness queue and thread, sharing the
 * listener's connection limits ({@link ConnectionCounts}) and the application's descriptor
 * budget. A connection lives on one poller for its life.
 * <p>
 * With more than one poller, new connections are spread as {@link AcceptSpreading} says: where
 * the kernel balances listening sockets that share a port ({@link
 * dev.kqlisten.nativeio.Sockets#balancesAccepts()}), each poller listens on a socket of its own
 * (the first binds the configured port, the others the port it got); elsewhere the first poller
 * accepts and hands connections to all of them in turn.
 */
public final class PollerGroup {

    private final List<Poller> pollers;

    private final boolean handOff;

    private PollerGroup(List<Poller> pollers, boolean handOff) {
        this.pollers = List.copyOf(pollers);
        this.handOff = handOff;
    }

    /**
     * Binds and listens synchronously, like {@link Poller#open}. Each poller owns the transport
     * it was given; on failure everything opened so far is released before this throws.
     *
     * @param count how many pollers, at least 1
     * @param transports a new transport per call
     * @param listeners the listener of each poller, a new one per call where it must not be shared
     */
    public static PollerGroup open(PollerConfig config, int count, AcceptSpreading spreading,
            Supplier<NativeTransport> transports, int maxEvents, Supplier<PollerListener> listeners)
            throws NativeIoException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        ConnectionCounts counts = new ConnectionCounts(config.limits());
        List<Poller> opened = new ArrayList<>(count);
        try {
            NativeTransport first = transports.get();
            boolean kernel = count > 1 && spreading == AcceptSpreading.AUTO && first.sockets().balancesAccepts();
            ListenSpec listen = config.listen();
            opened.add(Poller.open(config, first, maxEvents, listeners.get(), counts,
                    kernel ? listen.balancedOn(listen.port()) : listen, null, System::nanoTime));
            InetSocketAddress bound = opened.get(0).localAddress();
            for (int i = 1; i < count; i++) {
                opened.add(Poller.open(config, transports.get(), maxEvents, listeners.get(), counts,
                        kernel ? listen.balancedOn(bound.getPort()) : null, bound, System::nanoTime));
            }
            boolean handOff = count > 1 && !kernel;
            if (handOff) {
                opened.get(0).handOffTo(opened.toArray(Poller[]::new));
            }
            return new PollerGroup(opened, handOff);
        }
        catch (NativeIoException | RuntimeException | Error ex) {
            for (Poller poller : opened) {
                poller.closeUnstarted();
            }
            throw ex;
        }
    }

    /** The pollers, the first one's socket bound first. */
    public List<Poller> pollers() {
        return this.pollers;
    }

    /** Whether the first poller accepts for all ({@link AcceptSpreading#HANDOFF}, or no kernel balancing). */
    public boolean handsOff() {
        return this.handOff;
    }

    /** The address actually bound: the real port when 0 was asked for. */
    public InetSocketAddress localAddress() {
        return this.pollers.get(0).localAddress();
    }

    public String name() {
        return this.pollers.get(0).name();
    }

    public String backend() {
        return this.pollers.get(0).backend();
    }

    /**
     * The open connections of every poller, each taken on its loop thread, in the order they
     * were opened (by id, as one poller lists them); any thread.
     */
    public CompletableFuture<List<ConnectionSnapshot>> connections() {
        if (this.pollers.size() == 1) {
            return this.pollers.get(0).connections();
        }
        List<CompletableFuture<List<ConnectionSnapshot>>> parts = this.pollers.stream().map(Poller::connections).toList();
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply((done) -> {
            List<ConnectionSnapshot> all = new ArrayList<>();
            parts.forEach((part) -> all.addAll(part.join()));
            all.sort(Comparator.comparingLong((snapshot) -> snapshot.info().id()));
            return all;
        });
    }

    /** The writer of open connection {@code id}, or {@code null} if no poller has it. Any thread. */
    public ConnectionWriter writer(long id) {
        for (Poller poller : this.pollers) {
            ConnectionWriter writer = poller.writer(id);
            if (writer != null) {
                return writer;
            }
        }
        return null;
    }

    /** Closes connection {@code id} on whichever poller has it; completes with whether one did. */
    public CompletableFuture<Boolean> close(long id, CloseReason reason) {
        List<CompletableFuture<Boolean>> attempts = this.pollers.stream().map((p) -> p.close(id, reason)).toList();
        return CompletableFuture.allOf(attempts.toArray(CompletableFuture[]::new))
            .thenApply((done) -> attempts.stream().anyMatch(CompletableFuture::join));
    }

    /**
     * Starts a graceful stop of every poller ({@link Poller#drain}). With hand-off, the other
     * pollers are told from the accepting poller's loop once it has closed its listening socket:
     * every connection it handed over is then queued on its poller ahead of that poller's drain,
     * so none reaches a poller that has already finished.
     */
    public void drain(Duration timeout) {
        Poller first = this.pollers.get(0);
        first.drain(timeout);
        if (this.handOff) {
            first.execute(() -> drainOthers(timeout));
            if (!first.isRunning()) {
                drainOthers(timeout);
            }
        }
        else {
            drainOthers(timeout);
        }
    }

    private void drainOthers(Duration timeout) {
        for (int i = 1; i < this.pollers.size(); i++) {
            this.pollers.get(i).drain(timeout);
        }
    }

    public void shutdown() {
        for (Poller poller : this.pollers) {
            poller.shutdown();
        }
    }

    /** Releases every poller when the loops never ran. */
    public void closeUnstarted() {
        for (Poller poller : this.pollers) {
            poller.closeUnstarted();
        }
    }

}
