package dev.kqlisten.boot;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionSnapshot;
import dev.kqlisten.poller.Poller;
import dev.kqlisten.poller.PollerObserver;
import dev.kqlisten.poller.PollerStats;

/**
 * What {@link PollerLifecycle} needs of an opened {@link Poller}; an interface so that tests
 * can fake the poller (its class is final and opens real sockets).
 */
interface ListenerPoller extends Runnable {

    InetSocketAddress localAddress();

    String backend();

    /** Asks the loop to stop; any thread. */
    void shutdown();

    /** Closes the listening socket and lets connections finish within {@code timeout}; any thread. */
    void drain(java.time.Duration timeout);

    /** Releases everything when {@link #run()} never ran. */
    void closeUnstarted();

    PollerStats stats();

    /** Sets the iteration observer; before {@link #run()}. */
    void observe(PollerObserver observer);

    /** The open connections, taken on the loop thread; empty once stopped. Any thread. */
    CompletableFuture<List<ConnectionSnapshot>> connections();

    /** Closes connection {@code id} on the loop thread; completes with whether it was open here. */
    CompletableFuture<Boolean> close(long id, CloseReason reason);


    static ListenerPoller of(Poller poller) {
        return new ListenerPoller() {

            @Override
            public void run() {
                poller.run();
            }

            @Override
            public InetSocketAddress localAddress() {
                return poller.localAddress();
            }

            @Override
            public String backend() {
                return poller.backend();
            }

            @Override
            public void shutdown() {
                poller.shutdown();
            }

            @Override
            public void drain(java.time.Duration timeout) {
                poller.drain(timeout);
            }

            @Override
            public void closeUnstarted() {
                poller.closeUnstarted();
            }

            @Override
            public PollerStats stats() {
                return poller.stats();
            }

            @Override
            public void observe(PollerObserver observer) {
                poller.observe(observer);
            }

            @Override
            public CompletableFuture<List<ConnectionSnapshot>> connections() {
                return poller.connections();
            }

            @Override
            public CompletableFuture<Boolean> close(long id, CloseReason reason) {
                return poller.close(id, reason);
            }

        };
    }

}
