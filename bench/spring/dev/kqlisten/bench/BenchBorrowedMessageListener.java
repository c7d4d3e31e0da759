package dev.kqlisten.bench;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.kqlisten.boot.event.TcpMessageBorrowedEvent;

/**
 * The same count as {@link BenchMessageListener}, over {@link TcpMessageBorrowedEvent}: a
 * message inside one read is lent in place from the poller's read buffer, with no array and no
 * copy. Enabled by {@code bench.borrowed-message-listener=true}.
 */
@Component
@ConditionalOnBooleanProperty("bench.borrowed-message-listener")
public class BenchBorrowedMessageListener extends BenchCounter {

    @EventListener
    public void onMessage(TcpMessageBorrowedEvent event) {
        countMessage(event.getLength());
    }

    @Override
    protected boolean countsMessages() {
        return true;
    }

}
