package dev.kqlisten.boot.diagnostics;

import java.util.List;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;

import dev.kqlisten.boot.KqlistenProperties;

/**
 * Explains a {@code kqlisten.*} key that nothing binds to (a typo such as {@code prot} or
 * {@code idle-timout}): kqlisten's properties are bound with unknown fields refused, because a
 * mistyped protection silently left at its default is worse than a failed start. Names each
 * unknown key, where it came from, and the closest valid key. Ordered before Boot's own analyzer
 * of the same exception, which does not suggest a key; other prefixes are left to Boot.
 */
class UnknownKqlistenPropertyFailureAnalyzer extends AbstractFailureAnalyzer<UnboundConfigurationPropertiesException>
        implements Ordered {

    static final String PREFIX = "kqlisten";

    private static final KqlistenPropertyNames NAMES = new KqlistenPropertyNames(PREFIX, KqlistenProperties.class);

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, UnboundConfigurationPropertiesException cause) {
        List<ConfigurationProperty> unknown = cause.getUnboundProperties()
            .stream()
            .filter((property) -> property.getName().toString().startsWith(PREFIX + "."))
            .sorted((a, b) -> a.getName().toString().compareTo(b.getName().toString()))
            .toList();
        if (unknown.isEmpty()) {
            return null;
        }
        String description = unknown.stream().map(UnknownKqlistenPropertyFailureAnalyzer::describe)
            .collect(Collectors.joining("\n"));
        String action = unknown.stream().map(UnknownKqlistenPropertyFailureAnalyzer::fix)
            .collect(Collectors.joining("\n"));
        return new FailureAnalysis("kqlisten does not know " + ((unknown.size() == 1) ? "this property" : "these properties")
                + " (unknown kqlisten.* keys fail start-up rather than be ignored):\n" + description, action, cause);
    }

    private static String describe(ConfigurationProperty property) {
        Origin origin = property.getOrigin();
        return "    " + property.getName() + ((origin != null) ? " (from " + origin + ")" : "");
    }

    private static String fix(ConfigurationProperty property) {
        String name = property.getName().toString();
        String closest = NAMES.closest(name);
        if (closest != null) {
            return "Replace '" + name + "' with '" + closest + "'.";
        }
        String ancestor = NAMES.leafAncestor(name);
        if (ancestor != null) {
            return "Replace '" + name + "' with '" + ancestor + "'. It takes a single value; the configuration "
                    + "reference is in README.md.";
        }
        List<String> siblings = NAMES.siblings(name);
        return "Remove '" + name + "'" + (siblings.isEmpty() ? "" : "; valid keys there are " + String.join(", ", siblings))
                + ". The configuration reference is in README.md.";
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

}
