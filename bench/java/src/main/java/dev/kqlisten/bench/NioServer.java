package dev.kqlisten.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Paths;
import java.util.Iterator;

/**
 * Reference server: one thread, one JDK {@link Selector}, one 64 KiB direct buffer; reads once
 * per readiness and closes on EOF. Usage: {@code NioServer PORT STATS_FILE [count|checksum|echo]}:
 * with {@code checksum} it also sums every byte it reads ({@code get(i)} per byte), the same work
 * as the benchmark's kqlisten data listener. With {@code echo} it writes every read back from the
 * same buffer; what a write leaves is copied to a buffer attached to the key, and the key waits
 * for {@code OP_WRITE} instead of {@code OP_READ} until that is written.
 */
public final class NioServer {

    private final ServerCounters counters;

    private NioServer(ServerCounters counters) {
        this.counters = counters;
    }

    public static void main(String[] args) throws IOException {
        new NioServer(new ServerCounters(args)).run(Integer.parseInt(args[0]), args[1]);
    }

    private void run(int port, String statsPath) throws IOException {
        StatsFile.publish(Paths.get(statsPath), this.counters);
        ByteBuffer buffer = ByteBuffer.allocateDirect(65536);
        try (Selector selector = Selector.open(); ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 65535);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            this.counters.listening();
            while (true) {
                selector.select();
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (key.isAcceptable()) {
                        acceptAll(server, selector);
                    }
                    else if (key.isWritable()) {
                        flush(key);
                    }
                    else if (key.isReadable()) {
                        read(key, buffer);
                    }
                }
            }
        }
    }

    private void acceptAll(ServerSocketChannel server, Selector selector) throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            this.counters.countAccepted();
        }
    }

    private void read(SelectionKey key, ByteBuffer buffer) {
        SocketChannel channel = (SocketChannel) key.channel();
        buffer.clear();
        int n;
        try {
            n = channel.read(buffer);
        }
        catch (IOException ex) {
            n = -1;
        }
        if (n > 0) {
            if (this.counters.checksum) {
                long s = this.counters.sum();
                for (int i = 0; i < n; i++) {
                    s += buffer.get(i) & 0xff;
                }
                this.counters.sum(s);
            }
            this.counters.countRead(n);
            if (this.counters.echo) {
                buffer.flip();
                write(key, buffer);
            }
        }
        else if (n < 0) {
            close(key);
        }
    }

    /** Echo: writes {@code data} back; what is left waits, copied, for {@code OP_WRITE}. */
    private void write(SelectionKey key, ByteBuffer data) {
        if (!writeSome(key, data)) {
            return;
        }
        if (data.hasRemaining()) {
            ByteBuffer rest = ByteBuffer.allocate(data.remaining());
            rest.put(data).flip();
            key.attach(rest);
            key.interestOps(SelectionKey.OP_WRITE);
        }
    }

    /** Echo, {@code OP_WRITE}: writes what waits; once it is all out, reads again. */
    private void flush(SelectionKey key) {
        ByteBuffer rest = (ByteBuffer) key.attachment();
        if (rest == null || !writeSome(key, rest)) {
            return;
        }
        if (!rest.hasRemaining()) {
            key.attach(null);
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    /** One write of {@code data}'s remaining bytes; false if that failed and closed the connection. */
    private boolean writeSome(SelectionKey key, ByteBuffer data) {
        try {
            this.counters.countWritten(((SocketChannel) key.channel()).write(data));
            return true;
        }
        catch (IOException ex) {
            close(key);
            return false;
        }
    }

    private void close(SelectionKey key) {
        key.cancel();
        try {
            key.channel().close();
        }
        catch (IOException ex) {
            // Closing a reset connection: nothing left to release.
        }
        this.counters.countClosed();
    }

}
