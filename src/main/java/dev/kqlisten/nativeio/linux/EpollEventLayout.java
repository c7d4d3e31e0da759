package dev.kqlisten.nativeio.linux;

import java.util.Locale;

/**
 * Size and offsets of {@code struct epoll_event} for one architecture (docs/native-abi.md §5.1):
 * <pre>
 * struct epoll_event {
 *     uint32_t     events;  // offset 0 on both
 *     epoll_data_t data;    // uint64 union: offset 4 on x86_64 (the struct is
 *                           // __attribute__((packed)) when __x86_64__ is defined), 8 on aarch64
 * };                        // 12 bytes on x86_64, 16 on aarch64
 * </pre>
 *
 * @param size {@code sizeof(struct epoll_event)}
 * @param dataOffset offset of {@code data}
 */
record EpollEventLayout(int size, int dataOffset) {

    static final int EVENTS_OFFSET = 0;

    static final EpollEventLayout X86_64 = new EpollEventLayout(12, 4);

    static final EpollEventLayout AARCH64 = new EpollEventLayout(16, 8);

    /** The layout for the running JVM, chosen once. */
    static final EpollEventLayout CURRENT = forArch(System.getProperty("os.arch", ""));

    static EpollEventLayout forArch(String arch) {
        return switch (arch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> null;
        };
    }

}
