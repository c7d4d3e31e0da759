package dev.kqlisten.poller;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.kqlisten.connection.Connection;
import dev.kqlisten.connection.ConnectionState;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.nativeio.Sockets;
import dev.kqlisten.poller.AccessSettings.ProxyProtocol;
import dev.kqlisten.proxy.ProxyHeaderParser;
import dev.kqlisten.proxy.ProxyHeaderStatus;
import dev.kqlisten.proxy.ProxyHeaderFailure;

/**
 * Connections of a listener with the PROXY protocol between accept and their header: registered
 * for reading, but not yet opened, so no event names them and no limit counts them until the
 * header says who the client is. Then the connection is admitted like a direct one (allowed
 * sources, limits) under the client's address, or rejected with a reason. Bytes after the header
 * in the same read are delivered as the connection's first data. Loop thread only; exists only on
 * listeners with the protocol on, so a direct listener pays nothing for it.
 */
final class ProxyStage {

    /** What the poller does with a connection once its header is read. */
    interface Outcome {

        /** Closes the registered descriptor and reports the rejection for {@code address}. */
        void rejected(int fd, InetSocketAddress address, RejectReason reason);

        /** Closes the registered descriptor of a connection that is dropped unreported (shutdown). */
        void discarded(int fd);

        /**
         * Admits the connection (allowed sources, limits) and opens it under {@code client};
         * returns {@code null} if it was rejected instead.
         */
        Connection admitted(int fd, long id, InetSocketAddress client, InetSocketAddress proxy);

    }

    /** Longest signature prefix a direct client can send before its bytes are known not to be a header. */
    private static final int PREFIX_CAPACITY = 16;

    private final AccessSettings access;

    private final Sockets sockets;

    private final ReadPath reads;

    private final int bufferSize;

    private final Outcome outcome;

    private final long timeoutNanos;

    /** A view of the read buffer that the parser consumes. */
    private final ByteBuffer view;

    private final Map<Long, Pending> pending = new HashMap<>();

    /** When the pending connections are next checked for their deadline; 0 while none is pending. */
    private long nextScanNanos;

    ProxyStage(AccessSettings access, Sockets sockets, ReadPath reads, int bufferSize, Outcome outcome) {
        this.access = access;
        this.sockets = sockets;
        this.reads = reads;
        this.bufferSize = bufferSize;
        this.outcome = outcome;
        this.timeoutNanos = access.proxyHeaderTimeout().toNanos();
        this.view = sockets.readBuffer().duplicate();
    }

    /**
     * An accepted and registered connection from {@code peer}. With {@code required}, a peer
     * that is no trusted proxy never gets this far: the poller rejects it at accept.
     */
    void add(long id, int fd, InetSocketAddress peer, long nowNanos) {
        this.pending.put(id, new Pending(fd, peer, nowNanos + this.timeoutNanos));
        if (this.nextScanNanos == 0) {
            this.nextScanNanos = nowNanos + scanIntervalNanos();
        }
    }

    int size() {
        return this.pending.size();
    }

    /** The next deadline check, or 0 when nothing is pending. */
    long deadline() {
        return this.nextScanNanos;
    }

    /** A read-side event for {@code id}, if it is pending here; returns whether it was. */
    boolean ready(long id, long nowNanos) {
        Pending connection = this.pending.get(id);
        if (connection == null) {
            return false;
        }
        int n = this.sockets.read(connection.fd, this.bufferSize);
        if (n == Sockets.AGAIN) {
            return true;
        }
        if (n <= 0) {
            // End of stream or an error before the header was complete.
            reject(id, connection, connection.peer, RejectReason.PROXY_HEADER_INVALID);
            return true;
        }
        this.view.clear().limit(n);
        ProxyHeaderStatus status = connection.parser.feed(this.view);
        if (status == ProxyHeaderStatus.NEED_MORE) {
            connection.keep(this.view, n);
            return true;
        }
        this.pending.remove(id);
        if (status == ProxyHeaderStatus.DONE) {
            headerRead(id, connection, this.view.position(), n, nowNanos);
        }
        else if (connection.parser.failure() == ProxyHeaderFailure.NOT_PROXY
                && this.access.proxyProtocol() == ProxyProtocol.OPTIONAL && !connection.prefixOverflow) {
            direct(id, connection, n, nowNanos);
        }
        else {
            this.outcome.rejected(connection.fd, connection.peer, RejectReason.PROXY_HEADER_INVALID);
        }
        return true;
    }

    private void headerRead(long id, Pending connection, int headerEnd, int n, long nowNanos) {
        if (!this.access.trusts(connection.peer)) {
            this.outcome.rejected(connection.fd, connection.peer, RejectReason.UNTRUSTED_PROXY);
            return;
        }
        ProxyHeaderParser parser = connection.parser;
        InetSocketAddress client = parser.isLocal() ? connection.peer : parser.source();
        InetSocketAddress proxy = parser.isLocal() ? null : connection.peer;
        Connection opened = this.outcome.admitted(connection.fd, id, client, proxy);
        if (opened != null && headerEnd < n) {
            // The bytes after the header are the connection's first data.
            ByteBuffer buffer = this.sockets.readBuffer();
            byte[] rest = new byte[n - headerEnd];
            buffer.get(headerEnd, rest);
            buffer.put(0, rest);
            this.reads.deliver(opened, rest.length, nowNanos);
        }
    }

    /** An optional-mode connection that did not start with a header: a direct client. */
    private void direct(long id, Pending connection, int n, long nowNanos) {
        Connection opened = this.outcome.admitted(connection.fd, id, connection.peer, null);
        if (opened == null) {
            return;
        }
        byte[] current = new byte[n];
        this.sockets.readBuffer().get(0, current);
        // What the parser took from earlier reads, then this read: the client's first bytes.
        replay(opened, connection.prefix, connection.prefixLength, nowNanos);
        replay(opened, current, n, nowNanos);
    }

    /** Delivers {@code length} bytes through the read buffer, a buffer's worth at a time. */
    private void replay(Connection opened, byte[] bytes, int length, long nowNanos) {
        ByteBuffer buffer = this.sockets.readBuffer();
        for (int offset = 0; offset < length; offset += this.bufferSize) {
            if (opened.inputClosed() || opened.state() == ConnectionState.CLOSED) {
                return;
            }
            int chunk = Math.min(this.bufferSize, length - offset);
            buffer.put(0, bytes, offset, chunk);
            this.reads.deliver(opened, chunk, nowNanos);
        }
    }

    /** Rejects pending connections whose header is overdue. */
    void runTimer(long nowNanos) {
        if (this.nextScanNanos == 0 || nowNanos - this.nextScanNanos < 0) {
            return;
        }
        List<Long> expired = new ArrayList<>();
        this.pending.forEach((id, connection) -> {
            if (nowNanos - connection.deadlineNanos >= 0) {
                expired.add(id);
            }
        });
        for (Long id : expired) {
            Pending connection = this.pending.remove(id);
            this.outcome.rejected(connection.fd, connection.peer, RejectReason.PROXY_HEADER_TIMEOUT);
        }
        this.nextScanNanos = this.pending.isEmpty() ? 0 : nowNanos + scanIntervalNanos();
    }

    private long scanIntervalNanos() {
        return Math.max(this.timeoutNanos / 4, 10_000_000L);
    }

    private void reject(long id, Pending connection, InetSocketAddress address, RejectReason reason) {
        this.pending.remove(id);
        this.outcome.rejected(connection.fd, address, reason);
    }

    /** Closes every pending connection: the poller stops. They were never opened, so nothing is reported. */
    void closeAll() {
        for (Pending connection : List.copyOf(this.pending.values())) {
            this.outcome.discarded(connection.fd);
        }
        this.pending.clear();
        this.nextScanNanos = 0;
    }

    /** One connection waiting for its header. */
    private static final class Pending {

        final int fd;

        final InetSocketAddress peer;

        final long deadlineNanos;

        final ProxyHeaderParser parser = new ProxyHeaderParser();

        /**
         * The bytes consumed while the header was incomplete, as far as a direct client's could
         * be (a prefix of a signature), to hand them to the application if it was no header.
         */
        final byte[] prefix = new byte[PREFIX_CAPACITY];

        int prefixLength;

        boolean prefixOverflow;

        Pending(int fd, InetSocketAddress peer, long deadlineNanos) {
            this.fd = fd;
            this.peer = peer;
            this.deadlineNanos = deadlineNanos;
        }

        /** Keeps a read's {@code n} bytes, all consumed by the parser, for a possible replay. */
        void keep(ByteBuffer read, int n) {
            if (this.prefixLength + n > PREFIX_CAPACITY) {
                this.prefixOverflow = true;
                return;
            }
            read.get(0, this.prefix, this.prefixLength, n);
            this.prefixLength += n;
        }

    }

}
