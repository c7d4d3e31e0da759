package dev.kqlisten.bench;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.kqlisten.boot.event.TcpDataBorrowedEvent;

/**
 * The same checksum as {@link BenchDataListener}, over {@link TcpDataBorrowedEvent}: the bytes
 * are read in place from the poller's read buffer, with no array and no copy. Enabled by
 * {@code bench.borrowed-data-listener=true}.
 */
@Component
@ConditionalOnBooleanProperty("bench.borrowed-data-listener")
public class BenchBorrowedDataListener extends BenchCounter {

    @EventListener
    public void onData(TcpDataBorrowedEvent event) {
        consume(event.getData());
    }

}
