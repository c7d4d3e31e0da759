package dev.kqlisten.bench;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.kqlisten.boot.event.TcpDataReceivedEvent;

/**
 * The echo benchmark's server: a plain {@code @EventListener} that replies to every
 * {@link TcpDataReceivedEvent} with its bytes (a copy the connection then owns) and counts them,
 * as the Netty echo server's handler writes back every buffer it reads. The stats file's written
 * bytes are the poller's. Enabled by {@code bench.echo-listener=true}.
 */
@Component
@ConditionalOnBooleanProperty("bench.echo-listener")
public class BenchEchoListener extends BenchCounter {

    @EventListener
    public void onData(TcpDataReceivedEvent event) {
        event.reply(event.copyBytes());
        countRead(event.getLength());
    }

}
