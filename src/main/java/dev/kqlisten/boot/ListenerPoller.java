package dev.kqlisten.boot;

import java.net.InetSocketAddress;

import dev.kqlisten.poller.Poller;
import dev.kqlisten.poller.PollerStats;
import dev.kqlisten.poller.ReadFlowControl;

/**
 * What {@link PollerLifecycle} needs of an opened {@link Poller}; an interface so that tests
 * can fake the poller (its class is final and opens real sockets).
 */
interface ListenerPoller extends Runnable {

    InetSocketAddress localAddress();

    String backend();

    /** Asks the loop to stop; any thread. */
    void shutdown();

    /** Releases everything when {@link #run()} never ran. */
    void closeUnstarted();

    PollerStats stats();

    /** Suspends and resumes reading connections, for an {@link dev.kqlisten.poller.OrderedDispatcher}. */
    ReadFlowControl flowControl();

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
            public void closeUnstarted() {
                poller.closeUnstarted();
            }

            @Override
            public PollerStats stats() {
                return poller.stats();
            }

            @Override
            public ReadFlowControl flowControl() {
                return poller;
            }

        };
    }

}
