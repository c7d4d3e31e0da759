package dev.kqlisten.boot.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link TcpPortInUseException} and names the port property to change.
 */
class TcpPortInUseFailureAnalyzer extends AbstractFailureAnalyzer<TcpPortInUseException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TcpPortInUseException cause) {
        String description = cause.getMessage() + ".";
        String action = "Identify and stop the process that is listening on " + cause.getEndpoint()
                + ", or set '" + cause.getPropertyPrefix() + ".port' to another port (0 lets the operating system "
                + "choose a free one).";
        return new FailureAnalysis(description, action, cause);
    }

}
