package dev.kqlisten.poller;

/**
 * How the pollers of one listener share its new connections when it has more than one.
 */
public enum AcceptSpreading {

    /**
     * Each poller listens on a socket of its own, bound to the same address and port, and the
     * kernel spreads new connections over them where it balances such sockets (Linux
     * {@code SO_REUSEPORT}, FreeBSD 12+ {@code SO_REUSEPORT_LB}); elsewhere as {@link #HANDOFF}.
     */
    AUTO,

    /**
     * The first poller accepts every connection and hands them to the pollers in turn,
     * itself included: an even spread, at the cost of one cross-thread command per connection.
     */
    HANDOFF

}
