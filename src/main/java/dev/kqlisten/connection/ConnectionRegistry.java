package dev.kqlisten.connection;

import java.util.function.Consumer;

/**
 * Live connections by id: an open-addressing hash table keyed by primitive {@code long}, so a
 * lookup per readiness event neither boxes nor allocates. Owned by the poller thread.
 * <p>
 * Linear probing with backward-shift deletion (no tombstones); the table doubles when it is
 * more than half full. Id 0 is reserved as the empty-slot marker.
 */
public final class ConnectionRegistry {

    private long[] keys;

    private Connection[] values;

    private int size;

    public ConnectionRegistry(int expected) {
        int capacity = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) << 1;
        this.keys = new long[capacity];
        this.values = new Connection[capacity];
    }

    public int size() {
        return this.size;
    }

    public Connection get(long id) {
        long[] k = this.keys;
        int mask = k.length - 1;
        for (int i = slot(id, mask);; i = (i + 1) & mask) {
            long key = k[i];
            if (key == id) {
                return this.values[i];
            }
            if (key == 0) {
                return null;
            }
        }
    }

    public void put(Connection connection) {
        long id = connection.id();
        if (id == 0) {
            throw new IllegalArgumentException("connection id 0 is reserved");
        }
        if ((this.size + 1) * 2 > this.keys.length) {
            resize(this.keys.length * 2);
        }
        insert(id, connection);
    }

    private void insert(long id, Connection connection) {
        long[] k = this.keys;
        int mask = k.length - 1;
        int i = slot(id, mask);
        while (k[i] != 0 && k[i] != id) {
            i = (i + 1) & mask;
        }
        if (k[i] == 0) {
            this.size++;
        }
        k[i] = id;
        this.values[i] = connection;
    }

    /** Removes and returns the connection with {@code id}, or {@code null}. */
    public Connection remove(long id) {
        long[] k = this.keys;
        int mask = k.length - 1;
        int i = slot(id, mask);
        while (k[i] != id) {
            if (k[i] == 0) {
                return null;
            }
            i = (i + 1) & mask;
        }
        Connection removed = this.values[i];
        this.size--;
        // Backward-shift: move later entries of the probe run into the hole so lookups that
        // stop at an empty slot stay correct.
        int hole = i;
        for (int j = (hole + 1) & mask; k[j] != 0; j = (j + 1) & mask) {
            int home = slot(k[j], mask);
            boolean movable = (hole <= j) ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                k[hole] = k[j];
                this.values[hole] = this.values[j];
                hole = j;
            }
        }
        k[hole] = 0;
        this.values[hole] = null;
        return removed;
    }

    /** Calls {@code action} for each connection; the action must not modify the registry. */
    public void forEach(Consumer<Connection> action) {
        Connection[] v = this.values;
        for (Connection connection : v) {
            if (connection != null) {
                action.accept(connection);
            }
        }
    }

    /** A snapshot of the live connections, for shutdown where closing modifies the registry. */
    public Connection[] toArray() {
        Connection[] live = new Connection[this.size];
        int n = 0;
        for (Connection connection : this.values) {
            if (connection != null) {
                live[n++] = connection;
            }
        }
        return live;
    }

    private void resize(int capacity) {
        long[] oldKeys = this.keys;
        Connection[] oldValues = this.values;
        this.keys = new long[capacity];
        this.values = new Connection[capacity];
        this.size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                insert(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int slot(long id, int mask) {
        long h = id * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

}
