package dev.kqlisten.poller;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class WriteQueueTests {

    private static final int AGAIN = Integer.MIN_VALUE;

    private static final ByteBuffer STAGING = ByteBuffer.allocateDirect(64);

    private final List<Boolean> changes = new ArrayList<>();

    @Test
    void partialWritesResumeWhereTheyStoppedAndKeepTheOrder() {
        WriteQueue queue = new WriteQueue(4, 8, 100, AGAIN, this.changes::add);
        offer(queue, "hello ");
        offer(queue, "world");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int[] room = { 4 };
        WriteQueue.Sink sink = (staging, length) -> {
            int n = Math.min(length, room[0]);
            if (n == 0) {
                return AGAIN;
            }
            for (int i = 0; i < n; i++) {
                out.write(staging.get(i));
            }
            room[0] -= n;
            return n;
        };
        assertThat(queue.flush(STAGING, sink)).isEqualTo(WriteQueue.BLOCKED);
        assertThat(out.toString()).isEqualTo("hell");
        assertThat(queue.pendingBytes()).isEqualTo(7);
        room[0] = 3;
        assertThat(queue.flush(STAGING, sink)).isEqualTo(WriteQueue.BLOCKED);
        room[0] = 100;
        assertThat(queue.flush(STAGING, sink)).isEqualTo(WriteQueue.FLUSHED);
        assertThat(out.toString()).isEqualTo("hello world");
        assertThat(queue.pendingBytes()).isZero();
        assertThat(queue.isEmpty()).isTrue();
    }

    @Test
    void turnsUnwritableAboveTheHighMarkAndWritableAgainAtTheLowMark() {
        WriteQueue queue = new WriteQueue(4, 8, 100, AGAIN, this.changes::add);
        offer(queue, "12345");
        assertThat(queue.isWritable()).isTrue();
        assertThat(queue.reserve(4)).isTrue();
        // Writers see it at once; the callback comes from the loop, never inside an enqueue.
        assertThat(queue.isWritable()).isFalse();
        assertThat(this.changes).isEmpty();
        queue.enqueue("6789".getBytes());
        assertThat(this.changes).isEmpty();
        queue.reportWritability();
        assertThat(this.changes).containsExactly(false);
        int[] room = { 4 };
        WriteQueue.Sink sink = (staging, length) -> {
            int n = Math.min(length, room[0]);
            room[0] -= n;
            return (n == 0) ? AGAIN : n;
        };
        queue.flush(STAGING, sink);
        assertThat(queue.pendingBytes()).isEqualTo(5);
        assertThat(queue.isWritable()).as("5 is above the low mark").isFalse();
        room[0] = 1;
        queue.flush(STAGING, sink);
        assertThat(queue.isWritable()).isTrue();
        assertThat(this.changes).containsExactly(false, true);
    }

    @Test
    void aReservationAboveTheLimitIsRefusedAndCountsNothing() {
        WriteQueue queue = new WriteQueue(4, 8, 16, AGAIN, this.changes::add);
        assertThat(queue.reserve(16)).isTrue();
        assertThat(queue.reserve(1)).isFalse();
        assertThat(queue.pendingBytes()).isEqualTo(16);
    }

    @Test
    void aFailedWriteReturnsItsErrnoAndKeepsTheRest() {
        WriteQueue queue = new WriteQueue(4, 8, 100, AGAIN, this.changes::add);
        offer(queue, "abc");
        assertThat(queue.flush(STAGING, (staging, length) -> -32)).isEqualTo(-32);
        assertThat(queue.pendingBytes()).isEqualTo(3);
        assertThat(queue.isEmpty()).isFalse();
    }

    @Test
    void waterMarksMustBeOrdered() {
        assertThatIllegalArgumentException().isThrownBy(() -> new WriteQueue(9, 8, 100, AGAIN, (w) -> {
        }));
        assertThatIllegalArgumentException().isThrownBy(() -> new WriteQueue(4, 101, 100, AGAIN, (w) -> {
        }));
    }

    /**
     * Four writers reserve and hand over bytes while the loop flushes into a socket that takes
     * random amounts: every byte arrives once and in each writer's order, the count ends at 0,
     * the queue ends writable, and the callback alternates strictly.
     */
    @Test
    @Timeout(60)
    void concurrentWritersAndTheLoopAgreeOnTheCountAndTheState() throws Exception {
        WriteQueue queue = new WriteQueue(1_000, 4_000, 1 << 30, AGAIN, this.changes::add);
        ConcurrentLinkedQueue<byte[]> handOver = new ConcurrentLinkedQueue<>();
        int writers = 4;
        int perWriter = 20_000;
        CountDownLatch done = new CountDownLatch(writers);
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread thread = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(writer);
                for (int i = 0; i < perWriter; i++) {
                    // writer id and sequence number, padded to a random length
                    ByteBuffer chunk = ByteBuffer.allocate(8 + random.nextInt(0, 40));
                    chunk.putInt(writer).putInt(i);
                    assertThat(queue.reserve(chunk.capacity())).isTrue();
                    handOver.add(chunk.array());
                }
                done.countDown();
            });
            thread.start();
        }
        long[] nextSequence = new long[writers];
        AtomicBoolean ordered = new AtomicBoolean(true);
        ByteBuffer partial = ByteBuffer.allocate(8 << 20);
        SplittableRandom socket = new SplittableRandom(99);
        List<Integer> lengths = new ArrayList<>();
        WriteQueue.Sink sink = (staging, length) -> {
            int n = Math.min(length, socket.nextInt(0, 50));
            if (n == 0) {
                return AGAIN;
            }
            for (int i = 0; i < n; i++) {
                partial.put(staging.get(i));
            }
            return n;
        };
        long received = 0;
        while (done.getCount() > 0 || !handOver.isEmpty() || !queue.isEmpty()) {
            byte[] next;
            while ((next = handOver.poll()) != null) {
                lengths.add(next.length);
                queue.enqueue(next);
            }
            queue.flush(STAGING, sink);
            // Split what was written back into chunks by their recorded lengths.
            partial.flip();
            while (!lengths.isEmpty() && partial.remaining() >= lengths.get(0)) {
                int length = lengths.remove(0);
                int writer = partial.getInt();
                int sequence = partial.getInt();
                partial.position(partial.position() + length - 8);
                if (nextSequence[writer] != sequence) {
                    ordered.set(false);
                }
                nextSequence[writer] = sequence + 1;
                received += length;
            }
            partial.compact();
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(ordered).isTrue();
        assertThat(nextSequence).containsOnly(perWriter);
        assertThat(queue.pendingBytes()).isZero();
        assertThat(queue.isWritable()).isTrue();
        assertThat(this.changes).isNotEmpty();
        for (int i = 0; i < this.changes.size(); i++) {
            assertThat(this.changes.get(i)).as("change %d", i).isEqualTo(i % 2 == 1);
        }
        assertThat(received).isPositive();
    }

    private static void offer(WriteQueue queue, String text) {
        byte[] bytes = text.getBytes();
        assertThat(queue.reserve(bytes.length)).isTrue();
        queue.enqueue(bytes);
    }

}
