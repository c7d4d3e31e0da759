package dev.kqlisten.nativeio;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract against epoll, through {@link Multiplexers#open(TransportOptions)}.
 */
@EnabledOnOs(OS.LINUX)
class EpollMultiplexerTests extends MultiplexerContractTests {

    @Override
    TransportOptions options() {
        return new TransportOptions(Backend.EPOLL, null, null, 64, 4096);
    }

    @Override
    String expectedBackend() {
        return "epoll";
    }

    /**
     * Why the poller asks the socket for the error of an EPOLLERR event (SO_ERROR) instead of
     * waiting for a read to fail: after the peer's FIN, Linux's tcp_recvmsg returns 0 before it
     * looks at the pending error, so a read alone would turn a reset into an orderly end.
     */
    @Test
    void aResetAfterThePeersFinIsOnlyVisibleThroughTheSocketError() throws Exception {
        Connected c = connected(5);
        c.client().shutdownOutput();
        c.client().setSoLinger(true, 0);
        c.client().close();
        int i = awaitEvent(5, (flags) -> (flags & ReadyEvents.ERROR) != 0);
        assertThat(this.events.error(i)).isZero();
        assertThat(this.sockets.read(c.fd(), 100)).isZero();
        assertThat(this.sockets.errno(this.sockets.pendingError(c.fd()))).isIn(Errno.EPIPE, Errno.ECONNRESET);
        assertThat(this.sockets.pendingError(c.fd())).isZero();
    }

}
