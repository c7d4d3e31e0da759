package dev.kqlisten.support;

import java.io.File;

/** Counts this process's open descriptors through /proc/self/fd (Linux). */
public final class OpenFileDescriptors {

    private OpenFileDescriptors() {
    }

    public static boolean countable() {
        return new File("/proc/self/fd").isDirectory();
    }

    public static int count() {
        String[] entries = new File("/proc/self/fd").list();
        if (entries == null) {
            throw new IllegalStateException("/proc/self/fd is not readable");
        }
        return entries.length;
    }

}
