package dev.kqlisten.boot.diagnostics;

import org.jspecify.annotations.Nullable;

/**
 * The application defines its own {@code applicationEventMulticaster} bean, and it is not a
 * synchronous {@code TcpEventMulticaster}, which kqlisten's events need. Carries the bean's type
 * and where it is defined, for {@code IncompatibleEventMulticasterFailureAnalyzer}.
 */
public class IncompatibleEventMulticasterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Class<?> multicasterType;

    private final @Nullable String definedIn;

    private final boolean asynchronous;

    /**
     * @param multicasterType the class of the application's multicaster
     * @param definedIn the bean definition's resource description, or null if unknown
     * @param asynchronous true when it is a {@code TcpEventMulticaster} with a task executor
     */
    public IncompatibleEventMulticasterException(Class<?> multicasterType, @Nullable String definedIn,
            boolean asynchronous) {
        super("The application's 'applicationEventMulticaster' (" + multicasterType.getName()
                + ((definedIn != null) ? ", defined in " + definedIn : "") + ") cannot carry kqlisten's events: "
                + (asynchronous ? "it invokes listeners through a task executor" : "it is not a TcpEventMulticaster"));
        this.multicasterType = multicasterType;
        this.definedIn = definedIn;
        this.asynchronous = asynchronous;
    }

    public Class<?> getMulticasterType() {
        return this.multicasterType;
    }

    public @Nullable String getDefinedIn() {
        return this.definedIn;
    }

    /** Whether the multicaster is a {@code TcpEventMulticaster} that hands listeners to an executor. */
    public boolean isAsynchronous() {
        return this.asynchronous;
    }

}
