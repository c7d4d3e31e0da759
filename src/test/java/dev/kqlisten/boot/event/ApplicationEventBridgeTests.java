package dev.kqlisten.boot.event;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.context.support.AbstractApplicationContext;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link ApplicationEventBridge} with the context's {@link TcpEventMulticaster}: events reach
 * listeners in order, failures are contained, a parent context still receives them, and
 * {@link ApplicationEventBridge#wantsData()} is false only while no listener receives
 * {@link TcpDataReceivedEvent}, following listeners added and removed at run time.
 */
class ApplicationEventBridgeTests {

    private static final ConnectionInfo CONNECTION = new ConnectionInfo(7, "default",
            new InetSocketAddress("127.0.0.1", 50000), new InetSocketAddress("127.0.0.1", 1815), Instant.EPOCH);

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withBean(EventListenerFailureCounter.class)
        .withBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME, TcpEventMulticaster.class);

    @Test
    void eventsGoStraightToTheMulticasterInOrderAndFailuresAreContained() {
        this.runner.withBean(AnyConnectionEvent.class).withBean(Throwing.class).run((context) -> {
            EventListenerFailureCounter failures = context.getBean(EventListenerFailureCounter.class);
            ApplicationEventBridge bridge = new ApplicationEventBridge(context, failures,
                    context.getBean(TcpEventMulticaster.class));
            bridge.opened(CONNECTION);
            bridge.read(CONNECTION, new byte[] { 1, 2, 3 });
            bridge.peerClosed(CONNECTION);
            bridge.closed(CONNECTION, CloseReason.PEER_CLOSED, null);
            assertThat(context.getBean(AnyConnectionEvent.class).events)
                .extracting((event) -> event.getClass().getSimpleName())
                .containsExactly("TcpConnectionOpenedEvent", "TcpDataReceivedEvent", "TcpPeerClosedEvent",
                        "TcpConnectionClosedEvent");
            assertThat(((TcpDataReceivedEvent) context.getBean(AnyConnectionEvent.class).events.get(1)).copyBytes())
                .containsExactly(1, 2, 3);
            assertThat(failures.count()).isEqualTo(1);
        });
    }

    @Test
    void aParentContextStillReceivesEveryEvent() {
        try (AnnotationConfigApplicationContext parent = new AnnotationConfigApplicationContext()) {
            parent.register(AnyConnectionEvent.class);
            parent.refresh();
            this.runner.withParent(parent).run((context) -> {
                ApplicationEventBridge bridge = new ApplicationEventBridge(context,
                        context.getBean(EventListenerFailureCounter.class), context.getBean(TcpEventMulticaster.class));
                bridge.read(CONNECTION, new byte[] { 4 });
                assertThat(parent.getBean(AnyConnectionEvent.class).events).singleElement()
                    .isInstanceOf(TcpDataReceivedEvent.class);
            });
        }
    }

    @Test
    void followsDataListenersAddedAndRemoved() {
        this.runner.run((context) -> {
            TcpEventMulticaster multicaster = context.getBean(TcpEventMulticaster.class);
            ApplicationEventBridge bridge = new ApplicationEventBridge(context,
                    context.getBean(EventListenerFailureCounter.class), multicaster);
            assertThat(bridge.wantsData()).isFalse();
            // Classes, not lambdas: Spring cannot see a lambda's event type and sends it everything.
            context.addApplicationListener(new EofOnly());
            assertThat(bridge.wantsData()).isFalse();
            DataOnly data = new DataOnly();
            context.addApplicationListener(data);
            assertThat(bridge.wantsData()).isTrue();
            multicaster.removeApplicationListener(data);
            assertThat(bridge.wantsData()).isFalse();
        });
    }

    @Test
    void annotatedListenerOfASupertypeWantsData() {
        this.runner.withBean(AnyConnectionEvent.class).run((context) -> {
            ApplicationEventBridge bridge = new ApplicationEventBridge(context,
                    context.getBean(EventListenerFailureCounter.class), context.getBean(TcpEventMulticaster.class));
            assertThat(bridge.wantsData()).isTrue();
        });
    }

    @Test
    void withAParentContextDataIsAlwaysWanted() {
        try (AnnotationConfigApplicationContext parent = new AnnotationConfigApplicationContext()) {
            parent.refresh();
            this.runner.withParent(parent).run((context) -> {
                ApplicationEventBridge bridge = new ApplicationEventBridge(context,
                        context.getBean(EventListenerFailureCounter.class), context.getBean(TcpEventMulticaster.class));
                assertThat(context.getBean(TcpEventMulticaster.class).hasDataListeners()).isFalse();
                assertThat(bridge.wantsData()).isTrue();
            });
        }
    }

    @Test
    void withoutTheMulticasterDataIsAlwaysWanted() {
        ApplicationEventBridge bridge = new ApplicationEventBridge((event) -> {
        }, new EventListenerFailureCounter());
        assertThat(bridge.wantsData()).isTrue();
    }

    @Test
    void borrowedDataIsPublishedOnlyWhileSomeoneListensAndIsReleasedWhenTheListenersReturn() {
        this.runner.withBean(AnyConnectionEvent.class).run((context) -> {
            TcpEventMulticaster multicaster = context.getBean(TcpEventMulticaster.class);
            ApplicationEventBridge bridge = new ApplicationEventBridge(context,
                    context.getBean(EventListenerFailureCounter.class), multicaster);
            // A listener of every connection event does not receive borrowed data by accident.
            assertThat(bridge.wantsBorrowedData()).isFalse();
            BorrowedOnly borrowed = new BorrowedOnly();
            context.addApplicationListener(borrowed);
            assertThat(bridge.wantsBorrowedData()).isTrue();
            ByteBuffer lent = ByteBuffer.wrap(new byte[] { 9, 8, 7 }).asReadOnlyBuffer();
            bridge.readBorrowed(CONNECTION, lent);
            assertThat(borrowed.bytesDuringTheCall).containsExactly(new byte[] { 9, 8, 7 });
            TcpDataBorrowedEvent kept = borrowed.events.get(0);
            assertThat(kept.getLength()).isEqualTo(3);
            assertThatIllegalStateException().isThrownBy(kept::getData).withMessageContaining("copyBytes()");
            assertThatIllegalStateException().isThrownBy(kept::copyBytes);
            assertThat(context.getBean(AnyConnectionEvent.class).events).isEmpty();
            multicaster.removeApplicationListener(borrowed);
            assertThat(bridge.wantsBorrowedData()).isFalse();
        });
    }

    @Test
    void aListenerOfEveryEventDoesNotMakeThePollerLendButReceivesTheLoans() {
        this.runner.run((context) -> {
            List<Object> everything = new CopyOnWriteArrayList<>();
            // A lambda: Spring cannot see its event type and hands it every event.
            context.addApplicationListener((event) -> everything.add(event));
            TcpEventMulticaster multicaster = context.getBean(TcpEventMulticaster.class);
            ApplicationEventBridge bridge = new ApplicationEventBridge(context,
                    context.getBean(EventListenerFailureCounter.class), multicaster);
            assertThat(bridge.wantsBorrowedData()).isFalse();
            assertThat(bridge.wantsData()).isTrue();
            context.addApplicationListener(new BorrowedOnly());
            assertThat(bridge.wantsBorrowedData()).isTrue();
            bridge.readBorrowed(CONNECTION, ByteBuffer.wrap(new byte[] { 1 }).asReadOnlyBuffer());
            assertThat(everything).singleElement().isInstanceOf(TcpDataBorrowedEvent.class);
        });
    }

    @Test
    void withAParentContextBorrowedDataIsNeverLent() {
        try (AnnotationConfigApplicationContext parent = new AnnotationConfigApplicationContext()) {
            parent.refresh();
            this.runner.withParent(parent).run((context) -> {
                context.addApplicationListener(new BorrowedOnly());
                ApplicationEventBridge bridge = new ApplicationEventBridge(context,
                        context.getBean(EventListenerFailureCounter.class), context.getBean(TcpEventMulticaster.class));
                assertThat(context.getBean(TcpEventMulticaster.class).hasBorrowedDataListeners()).isTrue();
                assertThat(bridge.wantsBorrowedData()).isFalse();
            });
        }
    }

    static class BorrowedOnly implements ApplicationListener<TcpDataBorrowedEvent> {

        final List<TcpDataBorrowedEvent> events = new ArrayList<>();

        final List<byte[]> bytesDuringTheCall = new ArrayList<>();

        @Override
        public void onApplicationEvent(TcpDataBorrowedEvent event) {
            this.events.add(event);
            this.bytesDuringTheCall.add(event.copyBytes());
        }

    }

    static class EofOnly implements ApplicationListener<TcpPeerClosedEvent> {

        @Override
        public void onApplicationEvent(TcpPeerClosedEvent event) {
        }

    }

    static class DataOnly implements ApplicationListener<TcpDataReceivedEvent> {

        @Override
        public void onApplicationEvent(TcpDataReceivedEvent event) {
        }

    }

    static class AnyConnectionEvent {

        final List<TcpConnectionEvent> events = new CopyOnWriteArrayList<>();

        @EventListener
        void on(TcpConnectionEvent event) {
            this.events.add(event);
        }

    }

    static class Throwing {

        @EventListener
        void on(TcpPeerClosedEvent event) {
            throw new IllegalStateException("listener failed");
        }

    }

}
