package dev.kqlisten.boot.diagnostics;

import java.beans.BeanInfo;
import java.beans.IntrospectionException;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The property names a {@code @ConfigurationProperties} class binds, in Boot's kebab-case with
 * {@code [*]} for list elements ({@code kqlisten.listeners[*].port}), and the closest of them to
 * a name that was not bound. Read from the class's JavaBean properties, so the list cannot drift
 * from what binding accepts.
 */
final class KqlistenPropertyNames {

    private final Map<String, List<String>> childrenByParent = new TreeMap<>();

    KqlistenPropertyNames(String prefix, Class<?> type) {
        collect(prefix, type);
    }

    /** Every leaf name, e.g. {@code kqlisten.listeners[*].port}. */
    List<String> all() {
        List<String> names = new ArrayList<>();
        this.childrenByParent.forEach((parent, children) -> children.stream()
            .filter((child) -> !this.childrenByParent.containsKey(join(parent, child))
                    && !this.childrenByParent.containsKey(join(parent, child) + "[*]"))
            .forEach((child) -> names.add(join(parent, child))));
        return names;
    }

    /**
     * The valid name nearest to {@code unbound} (indexes kept as given): the sibling under the
     * same parent with the smallest edit distance, if that distance is small for its length;
     * {@code null} when nothing is close.
     */
    String closest(String unbound) {
        int dot = lastSeparator(unbound);
        String parent = (dot < 0) ? "" : unbound.substring(0, dot);
        String leaf = unbound.substring(dot + 1);
        List<String> siblings = this.childrenByParent.get(parent.replaceAll("\\[\\d+]", "[*]"));
        if (siblings == null) {
            return null;
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String sibling : siblings) {
            int distance = distance(leaf, sibling);
            if (distance < bestDistance) {
                best = sibling;
                bestDistance = distance;
            }
        }
        boolean close = best != null && (bestDistance <= 2 || bestDistance <= best.length() / 3
                || best.startsWith(leaf) || leaf.startsWith(best));
        return close ? join(parent, best) : null;
    }

    /**
     * The nearest ancestor of {@code unbound} that is itself a valid single-value key (indexes
     * kept as given), e.g. {@code kqlisten.listeners[0].framing} for
     * {@code kqlisten.listeners[0].framing.mode}; {@code null} when there is none.
     */
    String leafAncestor(String unbound) {
        List<String> leaves = all();
        String name = unbound;
        int dot;
        while ((dot = lastSeparator(name)) > 0) {
            name = name.substring(0, dot);
            if (leaves.contains(name.replaceAll("\\[\\d+]", "[*]"))) {
                return name;
            }
        }
        return null;
    }

    /** The valid names directly under the parent of {@code unbound}, for the message. */
    List<String> siblings(String unbound) {
        int dot = lastSeparator(unbound);
        String parent = (dot < 0) ? "" : unbound.substring(0, dot);
        List<String> siblings = this.childrenByParent.get(parent.replaceAll("\\[\\d+]", "[*]"));
        return (siblings != null) ? siblings.stream().map((s) -> join(parent, s)).toList() : List.of();
    }

    private void collect(String prefix, Class<?> type) {
        List<String> children = new ArrayList<>();
        this.childrenByParent.put(prefix, children);
        for (PropertyDescriptor property : properties(type)) {
            if (property.getReadMethod() == null || property.getName().equals("class")) {
                continue;
            }
            String name = kebab(property.getName());
            Class<?> propertyType = property.getPropertyType();
            Class<?> element = listElement(property.getReadMethod().getGenericReturnType());
            if (element != null && isNested(element, type)) {
                children.add(name);
                collect(join(prefix, name) + "[*]", element);
            }
            else if (isNested(propertyType, type)) {
                children.add(name);
                collect(join(prefix, name), propertyType);
            }
            else if (property.getWriteMethod() != null) {
                children.add(name);
            }
        }
    }

    /** Own nested configuration classes (same top-level class), not values such as Duration. */
    private static boolean isNested(Class<?> candidate, Class<?> owner) {
        Class<?> top = owner;
        while (top.getEnclosingClass() != null) {
            top = top.getEnclosingClass();
        }
        return candidate.getEnclosingClass() == top && !candidate.isEnum();
    }

    private static Class<?> listElement(Type type) {
        if (type instanceof ParameterizedType parameterized && parameterized.getRawType() instanceof Class<?> raw
                && Collection.class.isAssignableFrom(raw)
                && parameterized.getActualTypeArguments()[0] instanceof Class<?> element) {
            return element;
        }
        return null;
    }

    private static PropertyDescriptor[] properties(Class<?> type) {
        try {
            BeanInfo info = Introspector.getBeanInfo(type);
            return info.getPropertyDescriptors();
        }
        catch (IntrospectionException ex) {
            throw new IllegalStateException("cannot introspect " + type.getName(), ex);
        }
    }

    /** The prefix of one listener's properties, e.g. {@code kqlisten.listeners[0]}. */
    static String listenerPrefix(int index) {
        return "kqlisten.listeners[" + index + "]";
    }

    private static String kebab(String camel) {
        StringBuilder out = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                out.append('-').append(Character.toLowerCase(c));
            }
            else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String join(String parent, String child) {
        return parent.isEmpty() ? child : parent + "." + child;
    }

    private static int lastSeparator(String name) {
        return name.lastIndexOf('.');
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

}
