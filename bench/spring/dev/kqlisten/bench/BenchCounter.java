package dev.kqlisten.bench;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;

import org.springframework.context.event.EventListener;

import dev.kqlisten.boot.event.TcpConnectionClosedEvent;
import dev.kqlisten.boot.event.TcpConnectionOpenedEvent;
import dev.kqlisten.boot.event.TcpPeerClosedEvent;

/**
 * What the benchmark's data, message and echo listeners share: the per-byte checksum (data
 * listeners), the message count (message listeners), the counts the stats publisher reports, and a listener on every opened, peer-closed and closed event (counted), so
 * that the churn load pays for a listener on each event of a connection's life.
 */
public abstract class BenchCounter {

    /**
     * The counts of one poller thread: written by that thread only (a listener with several
     * pollers is called from each of them), volatile for the stats publisher, which sums them.
     */
    private static final class Cell {

        volatile long bytes;

        volatile long events;

        volatile long checksum;

        volatile long messages;

        volatile long lifecycleEvents;

    }

    private final List<Cell> cells = new CopyOnWriteArrayList<>();

    private final ThreadLocal<Cell> cell = ThreadLocal.withInitial(() -> {
        Cell created = new Cell();
        this.cells.add(created);
        return created;
    });

    /** Reads every byte of {@code data} into the checksum. */
    protected final void consume(ByteBuffer data) {
        Cell cell = this.cell.get();
        long sum = cell.checksum;
        for (int i = 0, n = data.limit(); i < n; i++) {
            sum += data.get(i) & 0xff;
        }
        cell.checksum = sum;
        cell.bytes += data.limit();
        cell.events++;
    }

    /**
     * Counts one message of {@code length} bytes: the work of the Netty lines server's handler
     * after its {@code LineBasedFrameDecoder}.
     */
    protected final void countMessage(int length) {
        Cell cell = this.cell.get();
        cell.bytes += length;
        cell.messages++;
    }

    /** Counts a read of {@code length} bytes without looking at them (the echo listener). */
    protected final void countRead(int length) {
        Cell cell = this.cell.get();
        cell.bytes += length;
        cell.events++;
    }

    /** Whether this listener counts messages (framed listeners) rather than data events. */
    protected boolean countsMessages() {
        return false;
    }

    @EventListener
    public void onOpened(TcpConnectionOpenedEvent event) {
        this.cell.get().lifecycleEvents++;
    }

    @EventListener
    public void onPeerClosed(TcpPeerClosedEvent event) {
        this.cell.get().lifecycleEvents++;
    }

    @EventListener
    public void onClosed(TcpConnectionClosedEvent event) {
        this.cell.get().lifecycleEvents++;
    }

    long bytes() {
        return sum((c) -> c.bytes);
    }

    long events() {
        return sum((c) -> c.events);
    }

    long messages() {
        return sum((c) -> c.messages);
    }

    long checksum() {
        return sum((c) -> c.checksum);
    }

    private long sum(ToLongFunction<Cell> counter) {
        long sum = 0;
        for (Cell c : this.cells) {
            sum += counter.applyAsLong(c);
        }
        return sum;
    }

}
