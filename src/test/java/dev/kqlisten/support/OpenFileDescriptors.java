package dev.kqlisten.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * This process's open descriptors, read from /proc/self/fd (Linux).
 * <p>
 * Tests compare a {@link #snapshot() snapshot} taken before some traffic with the table after it
 * rather than comparing counts: the JVM opens and closes descriptors of its own (jar files, a
 * cleaner closing an earlier test's socket), so a count can go down by one and hide a leak, or
 * fail a run that leaked nothing. See {@link #leakedSince()} for what counts as a leak.
 */
public final class OpenFileDescriptors {

    private static final Path TABLE = Path.of("/proc/self/fd");

    private final Map<String, String> targets;

    private OpenFileDescriptors(Map<String, String> targets) {
        this.targets = targets;
    }

    public static boolean countable() {
        return new File("/proc/self/fd").isDirectory();
    }

    /** The descriptor table now: descriptor number to what it refers to. */
    public static OpenFileDescriptors snapshot() {
        String[] entries = TABLE.toFile().list();
        if (entries == null) {
            throw new IllegalStateException("/proc/self/fd is not readable");
        }
        Map<String, String> targets = new HashMap<>();
        for (String entry : entries) {
            try {
                targets.put(entry, Files.readSymbolicLink(TABLE.resolve(entry)).toString());
            }
            catch (IOException ex) {
                // Closed since the listing (the listing's own directory descriptor is one).
            }
        }
        return new OpenFileDescriptors(targets);
    }

    /**
     * What is open now and was not at this snapshot, as "fd -> target" strings; empty when
     * nothing was left behind. Sockets and pipes are compared one by one (their target names a
     * unique inode). Anonymous inodes (epoll, eventfd) all share one name, so for them a leak is
     * more of a kind open than before: the kqueue test library keeps a closed kqueue's inner epoll
     * and eventfd descriptors until the next kqueue() call (it cannot see close(2)), so their
     * numbers move from one instance to the next while their count does not grow.
     */
    public List<String> leakedSince() {
        List<String> leaked = new ArrayList<>();
        Map<String, List<String>> anonymous = new TreeMap<>();
        snapshot().targets.forEach((fd, target) -> {
            if (target.startsWith("anon_inode:")) {
                anonymous.computeIfAbsent(target, (t) -> new ArrayList<>()).add(fd + " -> " + target);
            }
            else if ((target.startsWith("socket:") || target.startsWith("pipe:"))
                    && !target.equals(this.targets.get(fd))) {
                leaked.add(fd + " -> " + target);
            }
        });
        anonymous.forEach((target, now) -> {
            long before = this.targets.values().stream().filter(target::equals).count();
            if (now.size() > before) {
                leaked.addAll(now);
            }
        });
        return leaked;
    }

}
