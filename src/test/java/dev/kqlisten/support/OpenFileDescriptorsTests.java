package dev.kqlisten.support;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.Selector;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The leak check the integration tests rely on must see a socket left open, and only that. */
class OpenFileDescriptorsTests {

    /**
     * The JDK opens a socket of its own, once, the first time it closes a socket (the pre-close
     * descriptor its close protocol duplicates over the closed one); make that happen first.
     */
    @BeforeAll
    static void letTheJdkOpenItsOwnDescriptors() throws Exception {
        new ServerSocket(0, 1, InetAddress.getLoopbackAddress()).close();
        Selector.open().close();
    }

    @Test
    void aSocketOpenedAfterTheSnapshotIsReportedUntilItIsClosed() throws Exception {
        Assumptions.assumeTrue(OpenFileDescriptors.countable(), "needs /proc/self/fd");
        OpenFileDescriptors before = OpenFileDescriptors.snapshot();
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        try {
            assertThat(before.leakedSince()).singleElement().asString().contains("socket:[");
        }
        finally {
            socket.close();
        }
        assertThat(before.leakedSince()).isEmpty();
    }

    @Test
    void aDescriptorClosedAfterTheSnapshotIsNotALeak() throws Exception {
        Assumptions.assumeTrue(OpenFileDescriptors.countable(), "needs /proc/self/fd");
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        OpenFileDescriptors before = OpenFileDescriptors.snapshot();
        socket.close();
        assertThat(before.leakedSince()).isEmpty();
    }

    @Test
    void oneMoreEpollInstanceThanBeforeIsReported() throws Exception {
        Assumptions.assumeTrue(OpenFileDescriptors.countable(), "needs /proc/self/fd");
        OpenFileDescriptors before = OpenFileDescriptors.snapshot();
        Selector selector = Selector.open();
        try {
            assertThat(before.leakedSince()).anySatisfy((leak) -> assertThat(leak).contains("anon_inode:[eventpoll]"));
        }
        finally {
            selector.close();
        }
        assertThat(before.leakedSince()).isEmpty();
    }

}
