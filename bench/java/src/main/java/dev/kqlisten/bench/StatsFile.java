package dev.kqlisten.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * The Java side of bench/c/bench_stats.h: a 64-byte shared file of little-endian counters that
 * a daemon publisher thread refreshes every 2 ms from a {@link Source}. The publisher writes its
 * Linux thread id, so that the load generator can subtract its CPU time from the server's.
 */
public final class StatsFile {

    /** "kqlisnt1" read as a little-endian long; written last, once the server listens. */
    static final long MAGIC = 0x31746e73696c716bL;

    private static final long PERIOD_NANOS = 2_000_000L;

    /** The server's counters; read by the publisher thread, so they must be safe to read there. */
    public interface Source {

        long bytes();

        long reads();

        long accepted();

        long closed();

        /** Messages (lines) the server's framing delivered; 0 for a server without one. */
        long messages();

        /** Bytes the server wrote back (echo servers); 0 for a server that writes nothing. */
        default long written() {
            return 0;
        }

        /** Whether the server listens; the magic is written once this is true. */
        boolean ready();

    }

    private StatsFile() {
    }

    /** Creates the file and starts its publisher thread, named {@code bench-stats}. */
    public static Thread publish(Path path, Source source) {
        MappedByteBuffer map;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            map = channel.map(FileChannel.MapMode.READ_WRITE, 0, 64);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        map.order(ByteOrder.LITTLE_ENDIAN);
        Thread thread = new Thread(() -> run(map, source), "bench-stats");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static void run(MappedByteBuffer map, Source source) {
        map.putLong(40, threadId());
        while (true) {
            map.putLong(8, source.bytes());
            map.putLong(16, source.reads());
            map.putLong(24, source.accepted());
            map.putLong(32, source.closed());
            map.putLong(48, source.messages());
            map.putLong(56, source.written());
            if (map.getLong(0) != MAGIC && source.ready()) {
                map.putLong(0, MAGIC);
            }
            LockSupport.parkNanos(PERIOD_NANOS);
        }
    }

    /** The kernel's id of the calling thread: /proc/thread-self links to PID/task/TID. */
    private static long threadId() {
        try {
            Path link = Files.readSymbolicLink(Paths.get("/proc/thread-self"));
            return Long.parseLong(link.getFileName().toString());
        }
        catch (IOException | RuntimeException ex) {
            return 0;
        }
    }

}
