package dev.kqlisten.bench;

import java.nio.ByteBuffer;

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

    // Written only by the poller thread that publishes the events (one listener, one poller);
    // volatile for the stats publisher.
    private volatile long bytes;

    private volatile long events;

    private volatile long checksum;

    private volatile long messages;

    private volatile long lifecycleEvents;

    /** Reads every byte of {@code data} into the checksum. */
    protected final void consume(ByteBuffer data) {
        long sum = this.checksum;
        for (int i = 0, n = data.limit(); i < n; i++) {
            sum += data.get(i) & 0xff;
        }
        this.checksum = sum;
        this.bytes += data.limit();
        this.events++;
    }

    /**
     * Counts one message of {@code length} bytes: the work of the Netty lines server's handler
     * after its {@code LineBasedFrameDecoder}.
     */
    protected final void countMessage(int length) {
        this.bytes += length;
        this.messages++;
    }

    /** Counts a read of {@code length} bytes without looking at them (the echo listener). */
    protected final void countRead(int length) {
        this.bytes += length;
        this.events++;
    }

    /** Whether this listener counts messages (framed listeners) rather than data events. */
    protected boolean countsMessages() {
        return false;
    }

    @EventListener
    public void onOpened(TcpConnectionOpenedEvent event) {
        this.lifecycleEvents++;
    }

    @EventListener
    public void onPeerClosed(TcpPeerClosedEvent event) {
        this.lifecycleEvents++;
    }

    @EventListener
    public void onClosed(TcpConnectionClosedEvent event) {
        this.lifecycleEvents++;
    }

    long bytes() {
        return this.bytes;
    }

    long events() {
        return this.events;
    }

    long messages() {
        return this.messages;
    }

    long checksum() {
        return this.checksum;
    }

}
