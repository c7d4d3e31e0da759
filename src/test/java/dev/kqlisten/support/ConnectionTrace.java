package dev.kqlisten.support;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What one connection went through, as seen by a listener: the kinds of event in order, a
 * checksum and count of its bytes in event order, and how it was closed. Keeps the bytes too
 * when asked, for byte-exact comparisons of small payloads.
 */
public final class ConnectionTrace {

    private final long id;

    private final InetSocketAddress remote;

    private final List<String> kinds = new ArrayList<>();

    private final CRC32 crc = new CRC32();

    private final ByteArrayOutputStream bytes;

    private long count;

    private String closeReason;

    private String closeError;

    public ConnectionTrace(long id, InetSocketAddress remote, boolean keepBytes) {
        this.id = id;
        this.remote = remote;
        this.bytes = keepBytes ? new ByteArrayOutputStream() : null;
    }

    public synchronized void event(String kind) {
        this.kinds.add(kind);
    }

    public synchronized void data(byte[] data) {
        this.kinds.add("read");
        this.crc.update(data);
        this.count += data.length;
        if (this.bytes != null) {
            this.bytes.writeBytes(data);
        }
    }

    public synchronized void closed(String reason, String error) {
        this.kinds.add("closed");
        this.closeReason = reason;
        this.closeError = error;
    }

    public long id() {
        return this.id;
    }

    public InetSocketAddress remote() {
        return this.remote;
    }

    public synchronized long count() {
        return this.count;
    }

    public synchronized long crc() {
        return this.crc.getValue();
    }

    public synchronized byte[] bytes() {
        return this.bytes.toByteArray();
    }

    public synchronized String closeReason() {
        return this.closeReason;
    }

    public synchronized String closeError() {
        return this.closeError;
    }

    /**
     * The event kinds with consecutive reads folded into one {@code read*}, e.g.
     * {@code [opened, read*, eof, closed]}.
     */
    public synchronized List<String> shape() {
        List<String> shape = new ArrayList<>();
        for (String kind : this.kinds) {
            String folded = kind.equals("read") ? "read*" : kind;
            if (!(folded.equals("read*") && !shape.isEmpty() && shape.get(shape.size() - 1).equals("read*"))) {
                shape.add(folded);
            }
        }
        return shape;
    }

    /**
     * Asserts an orderly life: opened, reads (if any), the peer's EOF after them, then closed
     * with PEER_CLOSED. What each test checks of the bytes it adds itself.
     */
    public ConnectionTrace assertOrderlyClose() {
        assertThat(shape()).as("events of connection %d", this.id).containsExactly("opened", "read*", "eof", "closed");
        assertThat(closeReason()).as("close reason of connection %d", this.id).isEqualTo("PEER_CLOSED");
        return this;
    }

}
