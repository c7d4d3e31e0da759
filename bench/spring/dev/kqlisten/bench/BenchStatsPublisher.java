package dev.kqlisten.bench;

import java.nio.file.Paths;
import java.util.List;
import java.util.function.ToLongFunction;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

import dev.kqlisten.poller.PollerStats;
import dev.kqlisten.server.KqlistenServer;
import dev.kqlisten.server.TcpListenerInfo;

/**
 * Publishes the server's own counts to the benchmark's stats file ({@code bench.stats-file}):
 * bytes and data events as the data listener ({@link BenchCounter}) counted them when one is enabled, else
 * as the poller counted them; with a message listener, bytes and messages as that listener counted
 * them (message bodies, one per event) and reads as the poller counted them; without one, messages
 * as the poller decoded them; bytes written, accepted and closed connections as the poller counted
 * them.
 */
@Component
@ConditionalOnProperty("bench.stats-file")
public class BenchStatsPublisher implements StatsFile.Source {

    private final KqlistenServer server;

    private final @Nullable BenchCounter listener;

    /**
     * The live counters of the listener's pollers (one unless {@code pollers} is set), summed at
     * each read; set once by the publisher thread when the listener runs, read only by it.
     */
    private @Nullable List<PollerStats> pollers;

    public BenchStatsPublisher(@Value("${bench.stats-file}") String path, KqlistenServer server,
            ObjectProvider<BenchCounter> listener) {
        this.server = server;
        this.listener = listener.getIfAvailable();
        StatsFile.publish(Paths.get(path), this);
    }

    @Override
    public boolean ready() {
        if (this.pollers == null) {
            List<TcpListenerInfo> running = this.server.getListeners();
            if (!running.isEmpty()) {
                this.pollers = running.get(0).pollers().stream().map(TcpListenerInfo.PollerInfo::stats).toList();
            }
        }
        return this.pollers != null;
    }

    private long sum(ToLongFunction<PollerStats> counter) {
        List<PollerStats> current = this.pollers;
        long sum = 0;
        if (current != null) {
            for (PollerStats stats : current) {
                sum += counter.applyAsLong(stats);
            }
        }
        return sum;
    }

    @Override
    public long bytes() {
        if (this.listener != null) {
            return this.listener.bytes();
        }
        return sum(PollerStats::bytesRead);
    }

    @Override
    public long reads() {
        if (this.listener != null && !this.listener.countsMessages()) {
            return this.listener.events();
        }
        return sum(PollerStats::reads);
    }

    @Override
    public long messages() {
        if (this.listener != null) {
            return this.listener.messages();
        }
        return sum(PollerStats::frames);
    }

    @Override
    public long written() {
        return sum(PollerStats::bytesWritten);
    }

    @Override
    public long accepted() {
        return sum(PollerStats::accepted);
    }

    @Override
    public long closed() {
        return sum(PollerStats::closed);
    }

}
