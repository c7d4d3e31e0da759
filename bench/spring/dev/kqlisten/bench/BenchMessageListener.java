package dev.kqlisten.bench;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.kqlisten.boot.event.TcpMessageReceivedEvent;

/**
 * The lines benchmark's consumer: a plain {@code @EventListener} that counts every
 * {@link TcpMessageReceivedEvent} (a fresh array per message) and its length, as the Netty lines
 * server's handler counts the frames of its {@code LineBasedFrameDecoder}. Enabled by
 * {@code bench.message-listener=true}, on a listener with {@code framing=lines}.
 */
@Component
@ConditionalOnBooleanProperty("bench.message-listener")
public class BenchMessageListener extends BenchCounter {

    @EventListener
    public void onMessage(TcpMessageReceivedEvent event) {
        countMessage(event.getLength());
    }

    @Override
    protected boolean countsMessages() {
        return true;
    }

}
