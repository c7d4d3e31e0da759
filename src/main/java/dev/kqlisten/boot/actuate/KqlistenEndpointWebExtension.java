package dev.kqlisten.boot.actuate;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The read operations of {@link KqlistenEndpoint} over HTTP, where whether peers are shown
 * depends on the caller, as for Boot's {@code env} endpoint: {@link Show#WHEN_AUTHORIZED} shows
 * them only to an authenticated caller (in one of {@code management.endpoint.kqlisten.roles}
 * when any are set). Without Spring Security every HTTP caller is anonymous, so
 * {@code when-authorized} masks them like {@code never}. The close operation is the endpoint's
 * own.
 */
@EndpointWebExtension(endpoint = KqlistenEndpoint.class)
public class KqlistenEndpointWebExtension {

    private final KqlistenEndpoint delegate;

    private final Show showValues;

    private final Set<String> roles;

    public KqlistenEndpointWebExtension(KqlistenEndpoint delegate, Show showValues, Set<String> roles) {
        this.delegate = delegate;
        this.showValues = showValues;
        this.roles = roles;
    }

    /** See {@link KqlistenEndpoint#listeners(Integer, Integer)}. */
    @ReadOperation
    public KqlistenEndpoint.ListenersDescriptor listeners(SecurityContext securityContext, @Nullable Integer page,
            @Nullable Integer size) {
        return this.delegate.listeners(page, size, this.showValues.isShown(securityContext, this.roles));
    }

    /** One open connection; 404 when no listener has it. */
    @ReadOperation
    public WebEndpointResponse<ConnectionDescriptor> connection(SecurityContext securityContext, @Selector long id) {
        ConnectionDescriptor connection = this.delegate.connection(id,
                this.showValues.isShown(securityContext, this.roles));
        return (connection != null) ? new WebEndpointResponse<>(connection)
                : new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
    }

}
