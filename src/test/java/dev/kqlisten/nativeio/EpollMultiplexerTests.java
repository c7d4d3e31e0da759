package dev.kqlisten.nativeio;

import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

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

}
