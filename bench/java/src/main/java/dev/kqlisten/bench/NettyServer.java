package dev.kqlisten.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.EventExecutor;

/**
 * Reference server: Netty 4.2 on the native epoll transport, one event loop (unless LOOPS says
 * more) that both accepts and reads, Netty's default receive buffers (adaptive, up to 64 KiB) and
 * pooled allocator.
 * Netty closes a channel on EOF unless half-closure is allowed, which it is not here.
 * Usage: {@code NettyServer PORT STATS_FILE [count|checksum|lines|echo] [LOOPS]}: LOOPS event loops
 * (default 1); with more than one, the first accepts and Netty registers each new channel with
 * the next loop in turn, and each loop counts into {@link ServerCounters} of its own, summed for
 * the stats file. with {@code checksum} the
 * handler also sums every byte it reads ({@code getByte(i)} per byte), the same work as the
 * benchmark's kqlisten data listener, so that CPU per GB compares like for like. With
 * {@code lines} each connection's pipeline is a {@link LineBasedFrameDecoder} (LF or CRLF,
 * delimiter stripped, at most {@link #MAX_LINE} bytes, the default of kqlisten's
 * {@code max-frame-length}) before the handler, which then counts messages: the same work
 * as kqlisten's lines listener on {@code TcpMessageReceivedEvent}. With {@code echo} the handler
 * writes every {@link ByteBuf} it reads back as it is and flushes at {@code channelReadComplete}:
 * Netty's own echo server.
 */
public final class NettyServer {

    static final int MAX_LINE = 8192;

    public static void main(String[] args) throws InterruptedException {
        Epoll.ensureAvailability();
        int loops = (args.length > 3) ? Integer.parseInt(args[3]) : 1;
        ServerCounters counters = new ServerCounters(args);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(loops, EpollIoHandler.newFactory());
        ChannelHandler child;
        List<ServerCounters> all = new ArrayList<>();
        if (loops == 1) {
            all.add(counters);
            Counter counter = new Counter(counters);
            child = counters.lines ? new ChannelInitializer<EpollSocketChannel>() {
                @Override
                protected void initChannel(EpollSocketChannel channel) {
                    channel.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE), counter);
                }
            } : counter;
        }
        else {
            // One Counter per loop, fixed before the first channel: the map is only read after.
            Map<EventExecutor, Counter> perLoop = new IdentityHashMap<>();
            for (EventExecutor loop : group) {
                ServerCounters own = new ServerCounters(args);
                all.add(own);
                perLoop.put(loop, new Counter(own));
            }
            boolean lines = counters.lines;
            child = new ChannelInitializer<EpollSocketChannel>() {
                @Override
                protected void initChannel(EpollSocketChannel channel) {
                    if (lines) {
                        channel.pipeline().addLast(new LineBasedFrameDecoder(MAX_LINE));
                    }
                    channel.pipeline().addLast(perLoop.get(channel.eventLoop()));
                }
            };
        }
        StatsFile.publish(Paths.get(args[1]), ServerCounters.sum(all));
        try {
            Channel server = new ServerBootstrap().group(group)
                .channel(EpollServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 65535)
                .childHandler(child)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])))
                .sync()
                .channel();
            all.forEach(ServerCounters::listening);
            server.closeFuture().sync();
        }
        finally {
            group.shutdownGracefully();
        }
    }

    /** Counts on the event loop thread it belongs to. */
    @ChannelHandler.Sharable
    static final class Counter extends ChannelInboundHandlerAdapter {

        private final ServerCounters counters;

        Counter(ServerCounters counters) {
            this.counters = counters;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            this.counters.countAccepted();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            if (this.counters.echo) {
                int n = buf.readableBytes();
                this.counters.countRead(n);
                ctx.write(buf);
                this.counters.countWritten(n);
                return;
            }
            if (this.counters.lines) {
                this.counters.countMessage(buf.readableBytes());
                buf.release();
                return;
            }
            if (this.counters.checksum) {
                long s = this.counters.sum();
                for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
                    s += buf.getByte(i) & 0xff;
                }
                this.counters.sum(s);
            }
            this.counters.countRead(buf.readableBytes());
            buf.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (this.counters.echo) {
                ctx.flush();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            this.counters.countClosed();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

    }

}
