package dev.kqlisten.boot.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.kqlisten.server.ListenerPortInUseException;

/**
 * Explains a {@link ListenerPortInUseException} and names the port property to change.
 */
class TcpPortInUseFailureAnalyzer extends AbstractFailureAnalyzer<ListenerPortInUseException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ListenerPortInUseException cause) {
        String description = cause.getMessage() + ".";
        String action = "Identify and stop the process that is listening on " + cause.getEndpoint()
                + ", or set '" + KqlistenPropertyNames.listenerPrefix(cause.getListenerIndex()) + ".port' to another port (0 lets the operating system "
                + "choose a free one).";
        return new FailureAnalysis(description, action, cause);
    }

}
