package dev.kqlisten.dispatch;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import dev.kqlisten.connection.CloseReason;
import dev.kqlisten.connection.ConnectionInfo;
import dev.kqlisten.connection.RejectReason;
import dev.kqlisten.framing.FrameError;
import dev.kqlisten.poller.PollerListener;
import dev.kqlisten.poller.ReadFlowControl;

/**
 * A {@link PollerListener} that moves the callbacks of one {@link Poller} off its thread: each
 * event is queued and handed to {@code delegate} on an {@link Executor}, so a slow listener
 * delays only its own connection.
 * <p>
 * <b>Order.</b> Every connection has a serial queue (a lane). Its events run one at a time, in
 * the order the poller reported them, on any worker thread; different connections run in
 * parallel. A lane handles at most {@value #BATCH} events before giving its worker to other
 * lanes. The closed event is the last of a lane; once it has run, the lane is gone.
 * <p>
 * <b>Bounded memory.</b> Bytes read but not yet handled by {@code delegate} are "in flight".
 * After queueing a read, if the connection has more than
 * {@link DispatchBudget#maxBytesInFlightPerConnection()} in flight, or the {@link DispatchBudget}
 * total is over its bound, the connection's reads are suspended through
 * {@link ReadFlowControl#suspendReads}: the kernel stops reporting it, its receive buffer fills,
 * and TCP flow control stops the peer. Reads resume once the connection has drained to its
 * low-water mark (half the bound, or less so that one more read buffer still fits under the
 * bound) and the total gate is open. Nothing is dropped, and the poller thread never blocks or
 * waits: it only adds to queues and atomics.
 * <p>
 * Since the poller suspends a connection in the very callback whose read crossed a bound, and a
 * resume decided at or below the low-water mark is applied before the poller's next iteration
 * (at most one more read of that connection in between), a connection's bytes in flight never
 * exceed its bound plus one read buffer, given that the read buffer is at most the bound. The
 * total is a soft bound: once crossed, every other connection is suspended at its next read.
 * {@code Poller}'s read of what is left before an error closes a connection is exempt; it is
 * bounded by the socket's receive buffer.
 * <p>
 * <b>Failures.</b> A {@link RuntimeException} from {@code delegate} is logged, counted in
 * {@link DispatchBudget#listenerFailures()}, and the lane goes on with its next event. If the
 * executor rejects a lane (it was shut down), the lane runs on the calling thread instead, so
 * that nothing is lost.
 */
public final class OrderedDispatcher implements PollerListener {

    private static final Logger logger = System.getLogger(OrderedDispatcher.class.getName());

    /** Events a lane handles before it gives its worker to other lanes. */
    static final int BATCH = 64;

    private final PollerListener delegate;

    private final Executor executor;

    private final DispatchBudget budget;

    private final long lowWater;

    /** Poller thread only. Keyed by the info record, whose equality is its unique id: no boxing. */
    private final Map<ConnectionInfo, Lane> lanes = new HashMap<>();

    private final AtomicInteger connections = new AtomicInteger();

    private final AtomicBoolean rejectionLogged = new AtomicBoolean();

    /** Set once by {@link #attached}, when the poller opens, before it runs. */
    private volatile ReadFlowControl flowControl;

    /**
     * @param delegate the listener to run on {@code executor}
     * @param readBufferSize the poller's read buffer size, the most bytes one read adds
     */
    public OrderedDispatcher(PollerListener delegate, Executor executor, DispatchBudget budget, int readBufferSize) {
        this.delegate = delegate;
        this.executor = executor;
        this.budget = budget;
        long bound = budget.maxBytesInFlightPerConnection();
        this.lowWater = Math.max(0, Math.min(bound / 2, bound - readBufferSize));
    }

    /** The poller's read switch, which this dispatcher uses to push back on peers. */
    @Override
    public void attached(ReadFlowControl flowControl) {
        this.flowControl = flowControl;
    }

    /** Connections opened here whose closed event has not been handled yet. */
    public int connections() {
        return this.connections.get();
    }

    @Override
    public void opened(ConnectionInfo connection) {
        lane(connection).enqueue(Event.OPENED);
    }

    @Override
    public void read(ConnectionInfo connection, byte[] data) {
        queueBytes(connection, new Event(Kind.READ, data, 0));
    }

    /** Like {@link #wantsData()}: any frame receiver needs a copy here. */
    @Override
    public boolean wantsFrames() {
        return this.delegate.wantsFrames() || this.delegate.wantsBorrowedFrames();
    }

    @Override
    public void frame(ConnectionInfo connection, byte[] frame) {
        queueBytes(connection, new Event(Kind.FRAME, frame, 0));
    }

    @Override
    public void frameError(ConnectionInfo connection, FrameError error, long offset) {
        lane(connection).enqueue(new Event(error, offset));
    }

    @Override
    public void partialFrame(ConnectionInfo connection, byte[] partial, long offset) {
        queueBytes(connection, new Event(Kind.PARTIAL_FRAME, partial, offset));
    }

    /** Queues an event that carries bytes, which count against the budget until it has run. */
    private void queueBytes(ConnectionInfo connection, Event event) {
        Lane lane = lane(connection);
        int length = event.data.length;
        // Account before queueing, so that a worker never releases bytes not yet acquired.
        long own = lane.inFlight.addAndGet(length);
        boolean open = this.budget.acquire(length);
        lane.enqueue(event);
        if (own > this.budget.maxBytesInFlightPerConnection() || !open) {
            lane.suspend();
        }
    }

    /**
     * Any data receiver needs a copy here: the bytes are handed over after the poller has reused
     * its read buffer. The worker lends that copy to a borrowed-data receiver.
     */
    @Override
    public boolean wantsData() {
        return this.delegate.wantsData() || this.delegate.wantsBorrowedData();
    }

    @Override
    public void writabilityChanged(ConnectionInfo connection, boolean writable) {
        lane(connection).enqueue(writable ? Event.WRITABLE : Event.UNWRITABLE);
    }

    @Override
    public void peerClosed(ConnectionInfo connection) {
        lane(connection).enqueue(Event.PEER_CLOSED);
    }

    @Override
    public void closed(ConnectionInfo connection, CloseReason reason, String error) {
        Lane lane = this.lanes.remove(connection);
        if (lane == null) {
            lane = new Lane(connection);
        }
        lane.closing = true;
        lane.enqueue(new Event(reason, error));
    }

    /**
     * A rejected connection has no lane (no other event of it exists): its one event runs on the
     * executor as a task of its own, or here when the executor refuses it.
     */
    @Override
    public void rejected(String listenerName, InetSocketAddress remoteAddress, RejectReason reason) {
        Runnable task = () -> {
            try {
                this.delegate.rejected(listenerName, remoteAddress, reason);
            }
            catch (RuntimeException ex) {
                this.budget.listenerFailed();
                logger.log(Level.WARNING, "Listener '" + listenerName + "': an event listener threw on the rejection "
                        + "of a connection from " + remoteAddress, ex);
            }
        };
        try {
            this.executor.execute(task);
        }
        catch (RejectedExecutionException ex) {
            rejected(ex);
            task.run();
        }
    }

    private Lane lane(ConnectionInfo connection) {
        Lane lane = this.lanes.get(connection);
        if (lane == null) {
            lane = new Lane(connection);
            this.lanes.put(connection, lane);
        }
        return lane;
    }

    /** Expected while stopping: the executor is shut down while lanes finish their queues. */
    private void rejected(RejectedExecutionException ex) {
        if (this.rejectionLogged.compareAndSet(false, true)) {
            logger.log(Level.DEBUG, "The dispatch executor refused events (shut down); running them on the "
                    + "calling thread so that none is lost", ex);
        }
    }

    /**
     * The serial queue of one connection.
     * <p>
     * <b>Scheduling.</b> {@code scheduled} is set while the lane is submitted or running, so one
     * thread at most runs it. The producer sets it by CAS after adding an event; the worker
     * clears it after its batch and then looks at the queue again: an event added after the
     * worker's last poll either finds the flag cleared (and submits) or is seen by that look.
     * <p>
     * <b>Suspend and resume.</b> {@code suspended} says that this lane suspended reads and has
     * not asked to resume them; only the CAS true to false asks, so there is one resume per
     * suspension. The poller thread sets it, suspends, and then runs {@link #tryResume} itself:
     * <ul>
     * <li>A worker that drained the lane before the flag was set saw it false and did nothing;
     * the poller's own check then sees the drained count and resumes (no lost wake-up).</li>
     * <li>A worker that drains after the flag was set sees it and resumes.</li>
     * <li>A worker may ask to resume (flag false) and the poller suspend again before that
     * resume is applied; the resume then re-enables reading although the flag is set. The
     * poller suspends on <em>every</em> read that ends over a bound, not only on the first, so
     * the next read suspends it again; and since that resume was decided at or below the
     * low-water mark, the bytes in flight stay within the bound plus one read buffer.</li>
     * </ul>
     * A lane that finds the total gate closed queues itself in the budget, once ({@code
     * waiting}), and the budget re-checks the gate after queueing, so an opening between the
     * check and the queueing is not missed either.
     */
    private final class Lane implements Runnable, DispatchBudget.Waiter {

        private final ConnectionInfo connection;

        private final Queue<Event> events = new ConcurrentLinkedQueue<>();

        private final AtomicBoolean scheduled = new AtomicBoolean();

        private final AtomicLong inFlight = new AtomicLong();

        private final AtomicBoolean suspended = new AtomicBoolean();

        private final AtomicBoolean waiting = new AtomicBoolean();

        /** Set by the poller thread when it queues closed: the connection is gone, never resume. */
        private volatile boolean closing;

        Lane(ConnectionInfo connection) {
            this.connection = connection;
            OrderedDispatcher.this.connections.incrementAndGet();
        }

        /** Poller thread (or the thread running a rejected lane). */
        void enqueue(Event event) {
            this.events.add(event);
            if (this.scheduled.compareAndSet(false, true) && !submit()) {
                run();
            }
        }

        private boolean submit() {
            try {
                OrderedDispatcher.this.executor.execute(this);
                return true;
            }
            catch (RejectedExecutionException ex) {
                rejected(ex);
                return false;
            }
        }

        @Override
        public void run() {
            boolean again;
            do {
                try {
                    for (int i = 0; i < BATCH; i++) {
                        Event event = this.events.poll();
                        if (event == null) {
                            break;
                        }
                        handle(event);
                    }
                }
                finally {
                    this.scheduled.set(false);
                    // Resubmit rather than loop, so other lanes get this worker; run here
                    // only when the executor refuses.
                    again = !this.events.isEmpty() && this.scheduled.compareAndSet(false, true) && !submit();
                }
            }
            while (again);
        }

        /** Borrowed first, then copied, as the poller does; asked again here, on the worker. */
        private void read(byte[] data) {
            PollerListener delegate = OrderedDispatcher.this.delegate;
            if (delegate.wantsBorrowedData()) {
                delegate.readBorrowed(this.connection, ByteBuffer.wrap(data).asReadOnlyBuffer());
            }
            if (delegate.wantsData()) {
                delegate.read(this.connection, data);
            }
        }

        /** As {@link #read}, for a frame. */
        private void frame(byte[] frame) {
            PollerListener delegate = OrderedDispatcher.this.delegate;
            if (delegate.wantsBorrowedFrames()) {
                delegate.frameBorrowed(this.connection, ByteBuffer.wrap(frame).asReadOnlyBuffer());
            }
            if (delegate.wantsFrames()) {
                delegate.frame(this.connection, frame);
            }
        }

        private void handle(Event event) {
            try {
                switch (event.kind) {
                    case OPENED -> OrderedDispatcher.this.delegate.opened(this.connection);
                    case READ -> read(event.data);
                    case FRAME -> frame(event.data);
                    case FRAME_ERROR -> OrderedDispatcher.this.delegate.frameError(this.connection, event.frameError,
                            event.offset);
                    case PARTIAL_FRAME -> OrderedDispatcher.this.delegate.partialFrame(this.connection, event.data,
                            event.offset);
                    case WRITABLE -> OrderedDispatcher.this.delegate.writabilityChanged(this.connection, true);
                    case UNWRITABLE -> OrderedDispatcher.this.delegate.writabilityChanged(this.connection, false);
                    case PEER_CLOSED -> OrderedDispatcher.this.delegate.peerClosed(this.connection);
                    case CLOSED -> OrderedDispatcher.this.delegate.closed(this.connection, event.reason, event.error);
                }
            }
            catch (RuntimeException ex) {
                OrderedDispatcher.this.budget.listenerFailed();
                logger.log(Level.WARNING, "Listener '" + this.connection.listenerName() + "': an event listener threw on "
                        + "connection " + this.connection.id() + "; its next events still run", ex);
            }
            finally {
                if (event.data != null) {
                    released(event.data.length);
                }
                else if (event.kind == Kind.CLOSED) {
                    finish();
                }
            }
        }

        private void released(int n) {
            this.inFlight.addAndGet(-n);
            OrderedDispatcher.this.budget.release(n);
            tryResume();
        }

        /** Poller thread, in the read callback that crossed a bound. */
        void suspend() {
            if (!this.suspended.getAndSet(true)) {
                OrderedDispatcher.this.budget.suspended();
            }
            OrderedDispatcher.this.flowControl.suspendReads(this.connection.id());
            tryResume();
        }

        /** Any thread: asks to resume if this lane is suspended and may read again. */
        private void tryResume() {
            if (!this.suspended.get() || this.closing) {
                return;
            }
            if (this.inFlight.get() > OrderedDispatcher.this.lowWater) {
                // Events are queued: the worker that handles them checks again.
                return;
            }
            if (!OrderedDispatcher.this.budget.isOpen()) {
                if (this.waiting.compareAndSet(false, true)) {
                    OrderedDispatcher.this.budget.await(this);
                }
                return;
            }
            if (this.suspended.compareAndSet(true, false)) {
                OrderedDispatcher.this.budget.resumed();
                OrderedDispatcher.this.flowControl.resumeReads(this.connection.id());
            }
        }

        @Override
        public void gateOpened() {
            this.waiting.set(false);
            tryResume();
        }

        /** After the closed event has run: nothing refers to the lane any more. */
        private void finish() {
            if (this.suspended.getAndSet(false)) {
                OrderedDispatcher.this.budget.resumed();
            }
            if (this.waiting.get()) {
                OrderedDispatcher.this.budget.forget(this);
            }
            OrderedDispatcher.this.connections.decrementAndGet();
        }

    }

    private enum Kind {

        OPENED, READ, FRAME, FRAME_ERROR, PARTIAL_FRAME, WRITABLE, UNWRITABLE, PEER_CLOSED, CLOSED

    }

    /**
     * One queued callback; opened and peer-closed carry nothing but their kind. Only events that
     * carry bytes ({@link #data} not null) count against the budget.
     */
    private static final class Event {

        static final Event OPENED = new Event(Kind.OPENED, null, 0);

        static final Event PEER_CLOSED = new Event(Kind.PEER_CLOSED, null, 0);

        static final Event WRITABLE = new Event(Kind.WRITABLE, null, 0);

        static final Event UNWRITABLE = new Event(Kind.UNWRITABLE, null, 0);

        final Kind kind;

        final byte[] data;

        /** Where a partial frame or the frame that broke the framing starts. */
        final long offset;

        final CloseReason reason;

        final String error;

        final FrameError frameError;

        /** A read, a frame or a partial frame, or an event without data. */
        Event(Kind kind, byte[] data, long offset) {
            this.kind = kind;
            this.data = data;
            this.offset = offset;
            this.reason = null;
            this.error = null;
            this.frameError = null;
        }

        Event(FrameError frameError, long offset) {
            this.kind = Kind.FRAME_ERROR;
            this.data = null;
            this.offset = offset;
            this.reason = null;
            this.error = null;
            this.frameError = frameError;
        }

        Event(CloseReason reason, String error) {
            this.kind = Kind.CLOSED;
            this.data = null;
            this.offset = 0;
            this.reason = reason;
            this.error = error;
            this.frameError = null;
        }

    }

}
