package dev.kqlisten.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.kqlisten.nativeio.DescriptorLimit;
import dev.kqlisten.nativeio.NativeIoException;
import dev.kqlisten.nativeio.NativeTransport;
import dev.kqlisten.nativeio.NativeTransportUnavailableException;
import dev.kqlisten.nativeio.TransportOptions;
import dev.kqlisten.poller.FakeTransport;
import dev.kqlisten.server.TransportFactory;

/**
 * A {@link TransportFactory} of blocking {@link FakeTransport}s, so that a server runs real
 * pollers on their own threads without a socket: listener {@code i} gets {@code opened.get(i)},
 * whose "kernel" gives port {@code 40001 + i} to a listener asking for port 0.
 */
public final class FakeTransports implements TransportFactory {

    public final List<FakeTransport> opened = new CopyOnWriteArrayList<>();

    public final List<TransportOptions> options = new CopyOnWriteArrayList<>();

    /** Makes the listener at {@link #failAt} fail to listen with this. */
    public volatile NativeIoException failure;

    public volatile int failAt = 1;

    /** Thrown by {@link #open} instead of opening anything. */
    public volatile NativeTransportUnavailableException unavailable;

    public volatile DescriptorLimit limit = DescriptorLimit.NONE;

    @Override
    public NativeTransport open(TransportOptions options) {
        if (this.unavailable != null) {
            throw this.unavailable;
        }
        FakeTransport fake = new FakeTransport().blocking();
        fake.ephemeralPort(40001 + this.opened.size());
        if (this.failure != null && this.opened.size() == this.failAt) {
            fake.failListen(this.failure);
        }
        this.opened.add(fake);
        this.options.add(options);
        return fake.transport();
    }

    @Override
    public DescriptorLimit descriptorLimit() {
        return this.limit;
    }

}
