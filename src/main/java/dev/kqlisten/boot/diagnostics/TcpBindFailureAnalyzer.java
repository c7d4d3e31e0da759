package dev.kqlisten.boot.diagnostics;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.kqlisten.nativeio.Errno;
import dev.kqlisten.server.ListenerBindException;
import dev.kqlisten.server.ListenerPortInUseException;

/**
 * Explains a {@link ListenerBindException} other than a port clash (which
 * {@link TcpPortInUseFailureAnalyzer} covers) and names the property to change.
 */
class TcpBindFailureAnalyzer extends AbstractFailureAnalyzer<ListenerBindException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ListenerBindException cause) {
        if (cause instanceof ListenerPortInUseException) {
            return null;
        }
        String prefix = KqlistenPropertyNames.listenerPrefix(cause.getListenerIndex());
        if (cause.getCause().kind() == Errno.EADDRNOTAVAIL) {
            String description = "TCP listener '" + cause.getListenerName() + "' failed to start: "
                    + cause.getAddress().getHostAddress() + " is not an address of this host.";
            String action = "Set '" + prefix + ".address' to an address of this host, or to 0.0.0.0 (all IPv4 "
                    + "interfaces) or :: (all IPv6 interfaces).";
            return new FailureAnalysis(description, action, cause);
        }
        if (cause.getCause().kind() == Errno.EACCES && cause.getPort() > 0 && cause.getPort() < 1024) {
            String description = "TCP listener '" + cause.getListenerName() + "' failed to start: port "
                    + cause.getPort() + " on " + cause.getAddress().getHostAddress() + " is a privileged port ("
                    + cause.getCause().getMessage() + ").";
            String action = "Set '" + prefix + ".port' to 1024 or above (the default is 1815), or give the process "
                    + "the right to bind privileged ports (root, or CAP_NET_BIND_SERVICE on Linux).";
            return new FailureAnalysis(description, action, cause);
        }
        String description = "TCP listener '" + cause.getListenerName() + "' failed to start listening on "
                + cause.getEndpoint() + ": " + cause.getCause().getMessage() + ".";
        String action = "Check '" + prefix + ".address' and '" + prefix + ".port' (ports below 1024 usually need "
                + "privileges) and the operating system's limits.";
        return new FailureAnalysis(description, action, cause);
    }

}
