package dev.kqlisten.bench;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.kqlisten.boot.event.TcpDataReceivedEvent;

/**
 * The benchmark's data consumer: a plain {@code @EventListener} that reads every byte of every
 * {@link TcpDataReceivedEvent} (a fresh array per read) into a checksum. Enabled by
 * {@code bench.data-listener=true}; lives only in the benchmark's class directory.
 */
@Component
@ConditionalOnBooleanProperty("bench.data-listener")
public class BenchDataListener extends BenchCounter {

    @EventListener
    public void onData(TcpDataReceivedEvent event) {
        consume(event.getData());
    }

}
