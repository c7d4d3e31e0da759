package dev.kqlisten.boot.event;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.context.support.AbstractApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ApplicationEventBridge#wantsData()}: false only while the context's
 * {@link TcpEventMulticaster} has no listener for {@link TcpDataReceivedEvent}, following
 * listeners added and removed at run time; true whenever a parent context could listen too.
 */
class DataListenerPresenceTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withBean(EventListenerFailureCounter.class)
        .withBean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME, TcpEventMulticaster.class);

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

        @EventListener
        void on(TcpConnectionEvent event) {
        }

    }

}
