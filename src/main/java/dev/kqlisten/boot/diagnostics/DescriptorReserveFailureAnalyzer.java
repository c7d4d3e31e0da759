package dev.kqlisten.boot.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.kqlisten.server.DescriptorReserveException;

/**
 * Explains a {@link DescriptorReserveException}: the reserve to lower or the limit to raise.
 */
class DescriptorReserveFailureAnalyzer extends AbstractFailureAnalyzer<DescriptorReserveException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DescriptorReserveException cause) {
        String description = "TCP listeners failed to start: 'kqlisten.reserved-descriptors' is " + cause.getReserved()
                + ", but the process may open only " + cause.getLimit()
                + " descriptors (RLIMIT_NOFILE), so none would be left for kqlisten's connections.";
        String action = "Set 'kqlisten.reserved-descriptors' below " + cause.getLimit()
                + " (it keeps descriptors for the rest of the process: the web server, log files, the JVM's own), "
                + "or raise the process's descriptor limit (ulimit -n, LimitNOFILE= in a systemd unit, "
                + "--ulimit nofile= for a container).";
        return new FailureAnalysis(description, action, cause);
    }

}
