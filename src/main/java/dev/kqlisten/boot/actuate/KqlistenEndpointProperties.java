package dev.kqlisten.boot.actuate;

import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who sees peers' addresses in the {@code kqlisten} endpoint, in the shape of Boot's
 * {@code management.endpoint.env.*} properties.
 */
@ConfigurationProperties("management.endpoint.kqlisten")
public class KqlistenEndpointProperties {

    /**
     * When to show peers' addresses and ports: never (they read "******"), when-authorized
     * (to authenticated HTTP callers in one of the roles, so never without Spring Security; always
     * over JMX) or always.
     */
    private Show showValues = Show.NEVER;

    /**
     * Roles that may see peers' addresses when show-values is when-authorized; empty means any
     * authenticated user.
     */
    private final Set<String> roles = new LinkedHashSet<>();

    public Show getShowValues() {
        return this.showValues;
    }

    public void setShowValues(Show showValues) {
        this.showValues = showValues;
    }

    public Set<String> getRoles() {
        return this.roles;
    }

}
