package dev.kqlisten.support;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Collects {@link ConnectionTrace}s by connection id and lets a test wait, with a timeout, until
 * a number of connections have closed. Thread-safe: events arrive on the poller thread.
 */
public final class TrafficRecorder {

    private final Map<Long, ConnectionTrace> traces = new ConcurrentHashMap<>();

    private final AtomicInteger closed = new AtomicInteger();

    private final boolean keepBytes;

    public TrafficRecorder(boolean keepBytes) {
        this.keepBytes = keepBytes;
    }

    public void opened(long id, InetSocketAddress remote) {
        ConnectionTrace trace = new ConnectionTrace(id, remote, this.keepBytes);
        trace.event("opened");
        if (this.traces.putIfAbsent(id, trace) != null) {
            throw new IllegalStateException("connection " + id + " opened twice");
        }
        synchronized (this.closed) {
            this.closed.notifyAll();
        }
    }

    public void read(long id, byte[] data) {
        trace(id).data(data);
    }

    public void eof(long id) {
        trace(id).event("eof");
    }

    public void closed(long id, String reason, String error) {
        trace(id).closed(reason, error);
        synchronized (this.closed) {
            this.closed.incrementAndGet();
            this.closed.notifyAll();
        }
    }

    private ConnectionTrace trace(long id) {
        ConnectionTrace trace = this.traces.get(id);
        if (trace == null) {
            // An event for a connection never opened is itself an ordering failure.
            throw new IllegalStateException("event for unknown connection " + id);
        }
        return trace;
    }

    /** Waits until at least {@code count} connections have closed. */
    public void awaitClosed(int count, Duration timeout) throws InterruptedException, TimeoutException {
        await(() -> this.closed.get() >= count, count + " connections closed", timeout);
    }

    /** Waits until at least {@code count} connections have opened. */
    public void awaitOpened(int count, Duration timeout) throws InterruptedException, TimeoutException {
        await(() -> this.traces.size() >= count, count + " connections opened", timeout);
    }

    private void await(BooleanSupplier condition, String what, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this.closed) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException("not " + what + " within " + timeout + " (opened " + this.traces.size()
                            + ", closed " + this.closed.get() + ")");
                }
                TimeUnit.NANOSECONDS.timedWait(this.closed, left);
            }
        }
    }

    /** The trace of the connection whose peer used local port {@code clientPort}. */
    public ConnectionTrace byClientPort(int clientPort) {
        return this.traces.values()
            .stream()
            .filter((t) -> t.remote().getPort() == clientPort)
            .findFirst()
            .orElseThrow(() -> new AssertionError("no connection from client port " + clientPort));
    }

    public Map<Long, ConnectionTrace> traces() {
        return this.traces;
    }

    public int closedCount() {
        return this.closed.get();
    }

}
