package dev.kqlisten.boot.event;

import org.springframework.context.ApplicationEvent;

/**
 * Base of every kqlisten event. Listeners run synchronously on the thread that publishes: the
 * poller thread of the listener for connection events, the thread starting or stopping the
 * application context for listener events. A listener that throws is logged and counted by
 * {@link TcpEventMulticaster}; the other listeners and the poller carry on.
 */
public abstract class TcpEvent extends ApplicationEvent {

    private static final long serialVersionUID = 1L;

    private final String listenerName;

    protected TcpEvent(Object source, String listenerName) {
        super(source);
        this.listenerName = listenerName;
    }

    /** The name of the listener ({@code kqlisten.listeners[i].name}) the event concerns. */
    public String getListenerName() {
        return this.listenerName;
    }

}
