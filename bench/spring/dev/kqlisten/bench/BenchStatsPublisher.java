package dev.kqlisten.bench;

import java.nio.file.Paths;
import java.util.List;

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

    /** Set once by the publisher thread when the listener runs; read only by that thread. */
    private @Nullable PollerStats stats;

    public BenchStatsPublisher(@Value("${bench.stats-file}") String path, KqlistenServer server,
            ObjectProvider<BenchCounter> listener) {
        this.server = server;
        this.listener = listener.getIfAvailable();
        StatsFile.publish(Paths.get(path), this);
    }

    @Override
    public boolean ready() {
        if (this.stats == null) {
            List<TcpListenerInfo> running = this.server.getListeners();
            if (!running.isEmpty()) {
                this.stats = running.get(0).stats();
            }
        }
        return this.stats != null;
    }

    @Override
    public long bytes() {
        if (this.listener != null) {
            return this.listener.bytes();
        }
        return (this.stats != null) ? this.stats.bytesRead() : 0;
    }

    @Override
    public long reads() {
        if (this.listener != null && !this.listener.countsMessages()) {
            return this.listener.events();
        }
        return (this.stats != null) ? this.stats.reads() : 0;
    }

    @Override
    public long messages() {
        if (this.listener != null) {
            return this.listener.messages();
        }
        return (this.stats != null) ? this.stats.frames() : 0;
    }

    @Override
    public long written() {
        return (this.stats != null) ? this.stats.bytesWritten() : 0;
    }

    @Override
    public long accepted() {
        return (this.stats != null) ? this.stats.accepted() : 0;
    }

    @Override
    public long closed() {
        return (this.stats != null) ? this.stats.closed() : 0;
    }

}
