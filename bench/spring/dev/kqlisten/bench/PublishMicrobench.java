package dev.kqlisten.bench;

import java.net.InetSocketAddress;
import java.time.Instant;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.context.support.AbstractApplicationContext;

import dev.kqlisten.boot.event.ApplicationEventBridge;
import dev.kqlisten.boot.event.EventListenerFailureCounter;
import dev.kqlisten.boot.event.TcpConnectionClosedEvent;
import dev.kqlisten.boot.event.TcpConnectionOpenedEvent;
import dev.kqlisten.boot.event.TcpDataReceivedEvent;
import dev.kqlisten.boot.event.TcpEventMulticaster;
import dev.kqlisten.boot.event.TcpPeerClosedEvent;
import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;

/**
 * The cost of kqlisten's event publication alone, without sockets: one application context with
 * the same four {@code @EventListener} methods as {@link BenchDataListener}, and the bridge called
 * as the poller calls it, once through {@code publishEvent} (the bridge without the multicaster)
 * and once straight to the multicaster. Alternates the two, prints ns per connection (opened,
 * 100 bytes, peer closed, closed) and per 64-byte data event.
 * Usage: {@code PublishMicrobench [rounds]}.
 */
public final class PublishMicrobench {

    public static void main(String[] args) {
        int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
        try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
            context.registerBean(EventListenerFailureCounter.class);
            context.registerBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME,
                    TcpEventMulticaster.class);
            context.registerBean(Listener.class);
            context.refresh();
            EventListenerFailureCounter failures = context.getBean(EventListenerFailureCounter.class);
            ApplicationEventBridge viaPublishEvent = new ApplicationEventBridge(context, failures);
            ApplicationEventBridge direct = new ApplicationEventBridge(context, failures,
                    context.getBean(TcpEventMulticaster.class));
            ConnectionInfo info = new ConnectionInfo(1, "bench", new InetSocketAddress("127.0.0.1", 50000),
                    new InetSocketAddress("127.0.0.1", 1815), Instant.EPOCH);
            for (int round = 0; round < rounds; round++) {
                for (ApplicationEventBridge bridge : new ApplicationEventBridge[] { viaPublishEvent, direct }) {
                    String name = (bridge == direct) ? "direct" : "publishEvent";
                    int n = 300_000;
                    long t0 = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        bridge.opened(info);
                        bridge.read(info, new byte[100]);
                        bridge.peerClosed(info);
                        bridge.closed(info, CloseReason.PEER_CLOSED, null);
                    }
                    long t1 = System.nanoTime();
                    for (int i = 0; i < n * 4; i++) {
                        bridge.read(info, new byte[64]);
                    }
                    long t2 = System.nanoTime();
                    System.out.printf("round=%d path=%s ns_per_connection=%.0f ns_per_64b_event=%.0f%n", round, name,
                            (t1 - t0) / (double) n, (t2 - t1) / (double) (n * 4));
                }
            }
            System.out.println("checksum " + context.getBean(Listener.class).sum);
        }
    }

    static class Listener {

        long sum;

        @EventListener
        void onData(TcpDataReceivedEvent event) {
            java.nio.ByteBuffer data = event.getData();
            long s = this.sum;
            for (int i = 0, n = data.limit(); i < n; i++) {
                s += data.get(i) & 0xff;
            }
            this.sum = s;
        }

        @EventListener
        void onOpened(TcpConnectionOpenedEvent event) {
            this.sum++;
        }

        @EventListener
        void onPeerClosed(TcpPeerClosedEvent event) {
            this.sum++;
        }

        @EventListener
        void onClosed(TcpConnectionClosedEvent event) {
            this.sum++;
        }

    }

}
