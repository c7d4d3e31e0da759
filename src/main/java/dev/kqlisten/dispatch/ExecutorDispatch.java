package dev.kqlisten.dispatch;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.kqlisten.dispatch.DispatchBudget;
import dev.kqlisten.dispatch.OrderedDispatcher;
import dev.kqlisten.poller.PollerListener;

/**
 * The executor mode of {@code kqlisten.dispatch}, for one start of the server: a fixed pool of non-daemon threads {@code kqlisten-dispatch-N}, the {@link DispatchBudget} all
 * listeners share, and an {@link OrderedDispatcher} per listener.
 * <p>
 * The pool's queue holds at most one task per connection (a connection's events wait in its
 * dispatcher lane, which is submitted once), and the bytes behind them are bounded by the budget.
 */
public final class ExecutorDispatch {

    private static final Logger logger = LoggerFactory.getLogger(ExecutorDispatch.class);

    private final ThreadPoolExecutor workers;

    private final DispatchBudget budget;

    /**
     * @param threads the size of the pool
     * @param budget the bytes in flight all listeners' dispatchers share
     */
    public ExecutorDispatch(int threads, DispatchBudget budget) {
        this.budget = budget;
        AtomicInteger started = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), (task) -> {
                    Thread thread = new Thread(task, "kqlisten-dispatch-" + started.incrementAndGet());
                    thread.setDaemon(false);
                    return thread;
                });
    }

    /** A dispatcher that runs {@code listener} on the pool; the poller it listens to attaches itself. */
    public OrderedDispatcher dispatcher(PollerListener listener, int readBufferSize) {
        return new OrderedDispatcher(listener, this.workers, this.budget, readBufferSize);
    }

    public DispatchBudget budget() {
        return this.budget;
    }

    /**
     * Lets the queued events run, then ends the threads, within {@code timeout}; after that the
     * threads are interrupted and what is still queued is lost, with a warning. Call it once the
     * pollers have stopped, so that every closed event is queued.
     */
    public void shutdown(Duration timeout) {
        // From here the pool refuses tasks; a lane that would resubmit itself finishes its queue
        // on the worker it has (see OrderedDispatcher).
        this.workers.shutdown();
        try {
            if (this.workers.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
            int connections = this.workers.shutdownNow().size();
            logger.warn("Dispatch threads did not deliver the queued events within {}; interrupted them with events "
                    + "of {} more connections queued, and {} bytes in flight", timeout, connections,
                    this.budget.bytesInFlight());
        }
        catch (InterruptedException ex) {
            this.workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

}
