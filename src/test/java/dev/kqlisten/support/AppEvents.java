package dev.kqlisten.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.kqlisten.boot.event.TcpConnectionClosedEvent;
import dev.kqlisten.boot.event.TcpConnectionOpenedEvent;
import dev.kqlisten.boot.event.TcpConnectionRejectedEvent;
import dev.kqlisten.boot.event.TcpDataBorrowedEvent;
import dev.kqlisten.boot.event.TcpDataReceivedEvent;
import dev.kqlisten.boot.event.TcpPeerClosedEvent;

import org.springframework.context.event.EventListener;

/**
 * Records every kqlisten connection event of an application: a {@link TrafficRecorder} (bytes
 * checksummed in event order, not kept), the rejections, and when each connection closed. The
 * bytes come from {@link TcpDataReceivedEvent}s, or with {@code test.kqlisten.data-events=borrowed}
 * from {@link TcpDataBorrowedEvent}s only (see {@link TestApplication}). Any
 * condition over them can be awaited with a deadline; every event wakes the waiters.
 */
public class AppEvents {

    private final TrafficRecorder recorder = new TrafficRecorder(false);

    private final List<TcpConnectionRejectedEvent> rejected = new CopyOnWriteArrayList<>();

    /** {@link System#nanoTime()} of each closed event, by connection id. */
    private final Map<Long, Long> closedNanos = new ConcurrentHashMap<>();

    private final Object monitor = new Object();

    @EventListener
    void opened(TcpConnectionOpenedEvent event) {
        this.recorder.opened(event.getConnectionId(), event.getRemoteAddress());
        changed();
    }

    /** Bytes of a data event, from {@link TestApplication}'s copied or borrowed data recorder. */
    void read(long connectionId, byte[] bytes) {
        this.recorder.read(connectionId, bytes);
    }

    @EventListener
    void eof(TcpPeerClosedEvent event) {
        this.recorder.eof(event.getConnectionId());
    }

    @EventListener
    void closed(TcpConnectionClosedEvent event) {
        this.closedNanos.put(event.getConnectionId(), System.nanoTime());
        this.recorder.closed(event.getConnectionId(), event.getReason().name(), event.getError());
        changed();
    }

    @EventListener
    void rejected(TcpConnectionRejectedEvent event) {
        this.rejected.add(event);
        changed();
    }

    private void changed() {
        synchronized (this.monitor) {
            this.monitor.notifyAll();
        }
    }

    public TrafficRecorder recorder() {
        return this.recorder;
    }

    public List<TcpConnectionRejectedEvent> rejected() {
        return this.rejected;
    }

    /** When connection {@code id} was reported closed ({@link System#nanoTime()}), or null. */
    public Long closedNanos(long id) {
        return this.closedNanos.get(id);
    }

    /**
     * Waits until {@code condition} holds after some connection event (opened, closed,
     * rejected), or fails after {@code timeout} with {@code state} in the message.
     */
    public void await(BooleanSupplier condition, Duration timeout, Supplier<String> state)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this.monitor) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("not within " + timeout + ": " + state.get());
                }
                TimeUnit.NANOSECONDS.timedWait(this.monitor, left);
            }
        }
    }

}
