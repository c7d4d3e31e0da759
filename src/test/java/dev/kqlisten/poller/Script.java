package dev.kqlisten.poller;

import java.nio.charset.StandardCharsets;

import dev.kqlisten.nativeio.ReadyEvents;

import static org.assertj.core.api.Assertions.assertThat;

/** Steps of the scripted-transport tests of the loop: ready events, bytes, an accept. */
final class Script {

    private Script() {
    }

    /** A ready event as {@link FakeTransport#batch} takes it. */
    static long[] event(long id, int flags, long available, int error) {
        return new long[] { id, flags, available, error };
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** Accepts descriptor {@code fd} in one iteration; returns the new connection's id. */
    static long acceptOne(FakeTransport fake, Poller poller, RecordingListener listener, int fd) throws Exception {
        fake.pendingAccepts.add(fd);
        fake.batch(event(Poller.LISTENER_ID, ReadyEvents.READABLE, 1, 0));
        int before = listener.opened.size();
        poller.runOnce(-1);
        assertThat(listener.opened).hasSize(before + 1);
        return listener.opened.get(before).id();
    }

}
