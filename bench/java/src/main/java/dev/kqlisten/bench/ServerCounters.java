package dev.kqlisten.bench;

import java.util.List;
import java.util.function.ToLongFunction;

/**
 * What a reference server counts and {@link StatsFile} publishes: written by the server's one
 * I/O thread only, volatile so that the publisher thread reads current values. With
 * {@code checksum} (the third argument of both servers) the server also sums every byte it
 * reads, the same work as the benchmark's kqlisten data listener. With {@code lines} (Netty only)
 * the server decodes LF-terminated lines and counts each as a message, its body as bytes. With
 * {@code echo} the server writes back every byte it reads and counts those bytes as written.
 */
final class ServerCounters implements StatsFile.Source {

    final boolean checksum;

    final boolean lines;

    final boolean echo;

    private volatile long bytes;

    private volatile long reads;

    private volatile long sum;

    private volatile long accepted;

    private volatile long closed;

    private volatile long messages;

    private volatile long written;

    private volatile boolean ready;

    /** @param args the server's {@code PORT STATS_FILE [count|checksum|lines|echo]} */
    ServerCounters(String[] args) {
        this.checksum = args.length > 2 && args[2].equals("checksum");
        this.lines = args.length > 2 && args[2].equals("lines");
        this.echo = args.length > 2 && args[2].equals("echo");
    }

    /** The running byte sum of checksum mode, for the server to add to in its read loop. */
    long sum() {
        return this.sum;
    }

    void sum(long sum) {
        this.sum = sum;
    }

    /** A read that returned {@code n} bytes. */
    void countRead(int n) {
        this.bytes += n;
        this.reads++;
    }

    /** A decoded message (a line without its ending) of {@code length} bytes. */
    void countMessage(int length) {
        this.bytes += length;
        this.messages++;
    }

    /** {@code n} bytes written back (echo). */
    void countWritten(int n) {
        this.written += n;
    }

    void countAccepted() {
        this.accepted++;
    }

    void countClosed() {
        this.closed++;
    }

    /** The server listens: from now on the stats file carries its magic. */
    void listening() {
        this.ready = true;
    }

    @Override
    public long bytes() {
        return this.bytes;
    }

    @Override
    public long reads() {
        return this.reads;
    }

    @Override
    public long accepted() {
        return this.accepted;
    }

    @Override
    public long closed() {
        return this.closed;
    }

    @Override
    public long messages() {
        return this.messages;
    }

    @Override
    public long written() {
        return this.written;
    }

    @Override
    public boolean ready() {
        return this.ready;
    }

    private static long total(List<ServerCounters> parts, ToLongFunction<ServerCounters> count) {
        long sum = 0;
        for (ServerCounters part : parts) {
            sum += count.applyAsLong(part);
        }
        return sum;
    }

    /** The counts of several servers' threads (Netty with several event loops) as one source. */
    static StatsFile.Source sum(List<ServerCounters> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return new StatsFile.Source() {

            @Override
            public long bytes() {
                return total(parts, ServerCounters::bytes);
            }

            @Override
            public long reads() {
                return total(parts, ServerCounters::reads);
            }

            @Override
            public long accepted() {
                return total(parts, ServerCounters::accepted);
            }

            @Override
            public long closed() {
                return total(parts, ServerCounters::closed);
            }

            @Override
            public long messages() {
                return total(parts, ServerCounters::messages);
            }

            @Override
            public long written() {
                return total(parts, ServerCounters::written);
            }

            @Override
            public boolean ready() {
                return parts.stream().allMatch(ServerCounters::ready);
            }

        };
    }

}
