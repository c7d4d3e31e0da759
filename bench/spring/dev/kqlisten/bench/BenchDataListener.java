package dev.kqlisten.bench;

import java.nio.ByteBuffer;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.kqlisten.boot.event.TcpConnectionClosedEvent;
import dev.kqlisten.boot.event.TcpConnectionOpenedEvent;
import dev.kqlisten.boot.event.TcpDataReceivedEvent;
import dev.kqlisten.boot.event.TcpPeerClosedEvent;

/**
 * The benchmark's data consumer: a plain {@code @EventListener} that reads every byte of every
 * {@link TcpDataReceivedEvent} into a checksum and counts bytes and events. It also receives
 * every opened, peer-closed and closed event (and counts them), so that the churn load pays for
 * a listener on each event of a connection's life. Enabled by {@code bench.data-listener=true};
 * lives only in the benchmark's class directory.
 */
@Component
@ConditionalOnBooleanProperty("bench.data-listener")
public class BenchDataListener {

    // Written only by the poller thread that publishes the events (one listener, one poller);
    // volatile for the stats publisher.
    private volatile long bytes;

    private volatile long events;

    private volatile long checksum;

    private volatile long lifecycleEvents;

    @EventListener
    public void onData(TcpDataReceivedEvent event) {
        ByteBuffer data = event.getData();
        long sum = this.checksum;
        for (int i = 0, n = data.limit(); i < n; i++) {
            sum += data.get(i) & 0xff;
        }
        this.checksum = sum;
        this.bytes += data.limit();
        this.events++;
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

    long checksum() {
        return this.checksum;
    }

}
