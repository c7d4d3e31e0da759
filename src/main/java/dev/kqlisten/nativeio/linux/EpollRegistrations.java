package dev.kqlisten.nativeio.linux;

import java.util.Arrays;

/**
 * Which fd each registered id stands for, so that an {@code EPOLLERR} event (which carries only
 * the id) can be answered with {@code getsockopt(SO_ERROR)} on the right descriptor. fd → id is an
 * array indexed by fd; id → fd an open-addressing table with linear probing and backward-shift
 * deletion. No boxing. Owned by the poller thread.
 */
final class EpollRegistrations {

    static final long NO_ID = -1;

    private long[] idByFd = new long[64];

    private long[] keys;

    private int[] fds;

    private int size;

    EpollRegistrations() {
        Arrays.fill(this.idByFd, NO_ID);
        this.keys = new long[64];
        this.fds = new int[64];
        Arrays.fill(this.keys, NO_ID);
    }

    int size() {
        return this.size;
    }

    void put(int fd, long id) {
        if (fd >= this.idByFd.length) {
            int oldLength = this.idByFd.length;
            this.idByFd = Arrays.copyOf(this.idByFd, Math.max(fd + 1, oldLength * 2));
            Arrays.fill(this.idByFd, oldLength, this.idByFd.length, NO_ID);
        }
        removeFd(fd);
        this.idByFd[fd] = id;
        if ((this.size + 1) * 2 > this.keys.length) {
            rehash(this.keys.length * 2);
        }
        insert(id, fd);
        this.size++;
    }

    /** The id registered for {@code fd}, {@link #NO_ID} if none. */
    long idOf(int fd) {
        return (fd >= 0 && fd < this.idByFd.length) ? this.idByFd[fd] : NO_ID;
    }

    /** The fd registered with {@code id}, -1 if none. */
    int fdOf(long id) {
        int mask = this.keys.length - 1;
        for (int i = slot(id, mask); this.keys[i] != NO_ID; i = (i + 1) & mask) {
            if (this.keys[i] == id) {
                return this.fds[i];
            }
        }
        return -1;
    }

    void removeFd(int fd) {
        long id = idOf(fd);
        if (id == NO_ID) {
            return;
        }
        this.idByFd[fd] = NO_ID;
        int mask = this.keys.length - 1;
        int i = slot(id, mask);
        while (this.keys[i] != id) {
            i = (i + 1) & mask;
        }
        // Backward-shift deletion: move later entries of the probe run into the hole.
        int hole = i;
        for (int j = (hole + 1) & mask; this.keys[j] != NO_ID; j = (j + 1) & mask) {
            int home = slot(this.keys[j], mask);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                this.keys[hole] = this.keys[j];
                this.fds[hole] = this.fds[j];
                hole = j;
            }
        }
        this.keys[hole] = NO_ID;
        this.size--;
    }

    private void insert(long id, int fd) {
        int mask = this.keys.length - 1;
        int i = slot(id, mask);
        while (this.keys[i] != NO_ID) {
            i = (i + 1) & mask;
        }
        this.keys[i] = id;
        this.fds[i] = fd;
    }

    private void rehash(int capacity) {
        long[] oldKeys = this.keys;
        int[] oldFds = this.fds;
        this.keys = new long[capacity];
        this.fds = new int[capacity];
        Arrays.fill(this.keys, NO_ID);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != NO_ID) {
                insert(oldKeys[i], oldFds[i]);
            }
        }
    }

    private static int slot(long id, int mask) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

}
