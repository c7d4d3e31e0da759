package dev.kqlisten.boot.event;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationListener;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.Ordered;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link TcpEventMulticaster} and {@link ApplicationEventBridge} in a real context: a throwing
 * listener of a TCP event is counted and the event still reaches the listeners after it, in
 * order; other events keep Spring's fail-fast behaviour.
 */
class TcpEventMulticasterTests {

    private static final ConnectionInfo CONNECTION = new ConnectionInfo(7, "default",
            new InetSocketAddress("127.0.0.1", 50000), new InetSocketAddress("127.0.0.1", 1815), Instant.EPOCH);

    /** Every listener invocation, in invocation order. */
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withBean(EventListenerFailureCounter.class)
        .withBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME, TcpEventMulticaster.class)
        .withBean("first", Recorder.class, () -> new Recorder("first", 1, this.calls))
        .withBean("second", Failing.class, () -> new Failing(this.calls))
        .withBean("third", Recorder.class, () -> new Recorder("third", 3, this.calls));

    @Test
    void throwingListenerIsCountedAndTheNextListenerStillReceivesTheEvent() {
        this.runner.run((context) -> {
            ApplicationEventBridge bridge = new ApplicationEventBridge(context,
                    context.getBean(EventListenerFailureCounter.class));
            bridge.opened(CONNECTION);
            assertThat(this.calls).containsExactly("first:TcpConnectionOpenedEvent", "second:TcpConnectionOpenedEvent",
                    "third:TcpConnectionOpenedEvent");
            assertThat(context.getBean(EventListenerFailureCounter.class).count()).isEqualTo(1);
        });
    }

    @Test
    void otherEventsStillFailAtTheFirstThrowingListener() {
        this.runner.run((context) -> {
            assertThatIllegalStateException().isThrownBy(() -> context.publishEvent("not a TCP event"))
                .withMessage("listener failed");
            assertThat(this.calls).containsExactly("first:PayloadApplicationEvent", "second:PayloadApplicationEvent");
            assertThat(context.getBean(EventListenerFailureCounter.class).count()).isZero();
        });
    }

    @Test
    void bridgeTurnsCallbacksIntoEventsInOrder() {
        this.runner.run((context) -> {
            ApplicationEventBridge bridge = new ApplicationEventBridge(context,
                    context.getBean(EventListenerFailureCounter.class));
            bridge.opened(CONNECTION);
            bridge.read(CONNECTION, new byte[] { 1, 2, 3 });
            bridge.peerClosed(CONNECTION);
            bridge.closed(CONNECTION, CloseReason.RESET, "ECONNRESET");
            List<ApplicationEvent> events = context.getBean("third", Recorder.class).events;
            assertThat(events).extracting((event) -> event.getClass().getSimpleName())
                .containsExactly("TcpConnectionOpenedEvent", "TcpDataReceivedEvent", "TcpPeerClosedEvent",
                        "TcpConnectionClosedEvent");
            assertThat(events).allSatisfy((event) -> {
                TcpConnectionEvent tcp = (TcpConnectionEvent) event;
                assertThat(tcp.getConnection()).isSameAs(CONNECTION);
                assertThat(tcp.getConnectionId()).isEqualTo(7);
                assertThat(tcp.getListenerName()).isEqualTo("default");
                assertThat(tcp.getRemoteAddress().getPort()).isEqualTo(50000);
                assertThat(tcp.getLocalAddress().getPort()).isEqualTo(1815);
            });
            TcpDataReceivedEvent data = (TcpDataReceivedEvent) events.get(1);
            assertThat(data.getLength()).isEqualTo(3);
            assertThat(data.copyBytes()).containsExactly(1, 2, 3);
            assertThat(data.getData().isReadOnly()).isTrue();
            TcpConnectionClosedEvent closed = (TcpConnectionClosedEvent) events.get(3);
            assertThat(closed.getReason()).isEqualTo(CloseReason.RESET);
            assertThat(closed.getError()).isEqualTo("ECONNRESET");
            // one failure per event from the Failing listener
            assertThat(context.getBean(EventListenerFailureCounter.class).count()).isEqualTo(4);
        });
    }

    // The read-only view must not let one listener change what the next one sees.
    @Test
    void dataCannotBeChangedThroughTheEvent() {
        byte[] bytes = { 1, 2, 3 };
        TcpDataReceivedEvent event = new TcpDataReceivedEvent(CONNECTION, bytes);
        event.getData().get();
        event.copyBytes()[0] = 9;
        assertThat(event.getData().position()).isZero();
        assertThat(event.copyBytes()).containsExactly(1, 2, 3);
    }

    @Test
    void publicationFailureIsCountedNotThrownIntoThePoller() {
        EventListenerFailureCounter failures = new EventListenerFailureCounter();
        ApplicationEventPublisher closedContext = (event) -> {
            throw new IllegalStateException("ApplicationEventMulticaster not initialized");
        };
        new ApplicationEventBridge(closedContext, failures).peerClosed(CONNECTION);
        assertThat(failures.count()).isEqualTo(1);
    }

    static class Recorder implements ApplicationListener<ApplicationEvent>, Ordered {

        final List<ApplicationEvent> events = new CopyOnWriteArrayList<>();

        private final String name;

        private final int order;

        private final List<String> calls;

        Recorder(String name, int order, List<String> calls) {
            this.name = name;
            this.order = order;
            this.calls = calls;
        }

        @Override
        public void onApplicationEvent(ApplicationEvent event) {
            if (event instanceof TcpEvent || event instanceof PayloadApplicationEvent) {
                this.events.add(event);
                this.calls.add(this.name + ":" + event.getClass().getSimpleName());
            }
        }

        @Override
        public int getOrder() {
            return this.order;
        }

    }

    static class Failing implements ApplicationListener<ApplicationEvent>, Ordered {

        private final List<String> calls;

        Failing(List<String> calls) {
            this.calls = calls;
        }

        @Override
        public void onApplicationEvent(ApplicationEvent event) {
            if (event instanceof TcpEvent || event instanceof PayloadApplicationEvent) {
                this.calls.add("second:" + event.getClass().getSimpleName());
                throw new IllegalStateException("listener failed");
            }
        }

        @Override
        public int getOrder() {
            return 2;
        }

    }

}
