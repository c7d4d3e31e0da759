package dev.kqlisten.poller;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.framing.FrameError;

/** Records poller callbacks as strings such as {@code opened:1}, {@code read:1:hello}, {@code closed:1:RESET:ECONNRESET}. */
final class RecordingListener implements PollerListener {

    final List<String> events = new ArrayList<>();

    final List<ConnectionInfo> opened = new ArrayList<>();

    RuntimeException failure;

    boolean wantsData = true;

    boolean wantsBorrowedData;

    /** Whether every buffer lent to {@link #readBorrowed} was read-only. */
    boolean borrowedReadOnly = true;

    @Override
    public boolean wantsData() {
        return this.wantsData;
    }

    @Override
    public void opened(ConnectionInfo connection) {
        this.opened.add(connection);
        record("opened:" + connection.id());
    }

    @Override
    public void read(ConnectionInfo connection, byte[] data) {
        record("read:" + connection.id() + ":" + new String(data, StandardCharsets.US_ASCII));
    }

    @Override
    public boolean wantsBorrowedData() {
        return this.wantsBorrowedData;
    }

    @Override
    public void readBorrowed(ConnectionInfo connection, ByteBuffer data) {
        this.borrowedReadOnly &= data.isReadOnly();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        record("borrowed:" + connection.id() + ":" + new String(bytes, StandardCharsets.US_ASCII));
    }

    boolean wantsFrames;

    boolean wantsBorrowedFrames;

    @Override
    public boolean wantsFrames() {
        return this.wantsFrames;
    }

    @Override
    public boolean wantsBorrowedFrames() {
        return this.wantsBorrowedFrames;
    }

    @Override
    public void frame(ConnectionInfo connection, byte[] frame) {
        record("frame:" + connection.id() + ":" + new String(frame, StandardCharsets.US_ASCII));
    }

    @Override
    public void frameBorrowed(ConnectionInfo connection, ByteBuffer frame) {
        this.borrowedReadOnly &= frame.isReadOnly();
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        record("borrowedFrame:" + connection.id() + ":" + new String(bytes, StandardCharsets.US_ASCII));
    }

    @Override
    public void frameError(ConnectionInfo connection, FrameError error, long offset) {
        record("frameError:" + connection.id() + ":" + error + "@" + offset);
    }

    @Override
    public void partialFrame(ConnectionInfo connection, byte[] partial, long offset) {
        record("partial:" + connection.id() + ":" + new String(partial, StandardCharsets.US_ASCII) + "@" + offset);
    }

    @Override
    public void peerClosed(ConnectionInfo connection) {
        record("eof:" + connection.id());
    }

    @Override
    public void closed(ConnectionInfo connection, CloseReason reason, String error) {
        record("closed:" + connection.id() + ":" + reason + ((error != null) ? ":" + error : ""));
    }

    @Override
    public void rejected(String listenerName, java.net.InetSocketAddress remoteAddress,
            dev.kqlisten.connection.RejectReason reason) {
        record("rejected:" + listenerName + ":" + reason);
    }

    private void record(String event) {
        this.events.add(event);
        if (this.failure != null) {
            throw this.failure;
        }
    }

}
