package dev.kqlisten.boot;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;

import dev.kqlisten.framing.Framing;
import dev.kqlisten.nativeio.Backend;
import dev.kqlisten.nativeio.HostOs;
import dev.kqlisten.nativeio.HostPlatform;
import dev.kqlisten.nativeio.KQueueAbi;
import dev.kqlisten.nativeio.ListenSpec;
import dev.kqlisten.nativeio.NativeTransportUnavailableException;
import dev.kqlisten.nativeio.TransportOptions;
import dev.kqlisten.net.CidrList;
import dev.kqlisten.poller.AcceptSpreading;
import dev.kqlisten.poller.AccessSettings;
import dev.kqlisten.poller.PollerLimits;
import dev.kqlisten.poller.WriteSettings;
import dev.kqlisten.server.ServerConfig;

/**
 * Configuration of kqlisten's TCP listeners, bound from {@code kqlisten.*}.
 * <p>
 * Every rule, of one field or across fields (unique names and endpoints, kqueue on Linux), is
 * checked by {@link #validate}, which Boot runs at bind time because this class is a
 * {@link Validator}; a failure names the property in kebab-case, with the list index
 * ({@code kqlisten.listeners[0].read-buffer-size}). There are no Jakarta constraints: Bean
 * Validation would only repeat these checks, and starting a validator for them would delay
 * listening (BENCHMARKS.md, start-up).
 */
@ConfigurationProperties(prefix = "kqlisten", ignoreUnknownFields = false)
public class KqlistenProperties implements Validator {

    static final int DEFAULT_PORT = 1815;

    static final String DEFAULT_LISTENER_NAME = "default";

    static final DataSize MAX_READ_BUFFER_SIZE = DataSize.ofMegabytes(16);

    static final DataSize MAX_FRAME_LENGTH = DataSize.ofMegabytes(16);

    static final DataSize MAX_WRITE_QUEUE_LIMIT = DataSize.ofMegabytes(256);

    /**
     * A started {@code java -jar} kqlisten holds about 20 descriptors (the jar, the JVM's
     * modules file and sockets, Tomcat's listener, the epoll or kqueue ones); the rest leaves
     * room for some 40 concurrent HTTP requests and log files.
     */
    static final int DEFAULT_RESERVED_DESCRIPTORS = 64;

    private static final Pattern LISTENER_NAME = Pattern.compile("[a-z0-9-]+");

    /**
     * Kernel readiness API: auto (kqueue on the BSDs and macOS, epoll on Linux), kqueue or
     * epoll.
     */
    private Backend backend = Backend.AUTO;

    /** Most readiness events collected per kevent/epoll_wait call, 1 to 65536. */
    private int maxEvents = 1024;

    /**
     * How long a graceful stop lets open connections go on, and how long stopping waits for the
     * poller threads to end (a graceful stop allows 5 s more for closing what is left); a thread
     * still running after that is abandoned with a warning.
     */
    private Duration shutdownTimeout = Duration.ofSeconds(10);

    /**
     * Descriptors kqlisten's connections never take, kept for the rest of the process: the
     * web server and its actuator requests, log files, the JVM's own jars and sockets. Beyond
     * the descriptor limit (RLIMIT_NOFILE) minus this, accepting pauses until a connection
     * closes. Must be less than the limit; 0 lets connections take every descriptor.
     */
    private int reservedDescriptors = DEFAULT_RESERVED_DESCRIPTORS;

    private final KQueue kqueue = new KQueue();

    private final Logging logging = new Logging();

    private final Health health = new Health();

    private final Dispatch dispatch = new Dispatch();

    /**
     * The listeners, one poller thread each. Unset means a single listener named 'default'
     * on 0.0.0.0:1815; a configured list replaces it.
     */
    private List<Listener> listeners = new ArrayList<>(List.of(defaultListener()));

    private static Listener defaultListener() {
        Listener listener = new Listener();
        listener.setName(DEFAULT_LISTENER_NAME);
        return listener;
    }

    public Backend getBackend() {
        return this.backend;
    }

    public void setBackend(Backend backend) {
        this.backend = backend;
    }

    public int getMaxEvents() {
        return this.maxEvents;
    }

    public void setMaxEvents(int maxEvents) {
        this.maxEvents = maxEvents;
    }

    public Duration getShutdownTimeout() {
        return this.shutdownTimeout;
    }

    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    public int getReservedDescriptors() {
        return this.reservedDescriptors;
    }

    public void setReservedDescriptors(int reservedDescriptors) {
        this.reservedDescriptors = reservedDescriptors;
    }

    public KQueue getKqueue() {
        return this.kqueue;
    }

    public Logging getLogging() {
        return this.logging;
    }

    public Health getHealth() {
        return this.health;
    }

    public Dispatch getDispatch() {
        return this.dispatch;
    }

    public List<Listener> getListeners() {
        return this.listeners;
    }

    public void setListeners(List<Listener> listeners) {
        this.listeners = listeners;
    }

    /** The transport every poller opens; one per listener, since a transport is single-threaded. */
    TransportOptions toTransportOptions(Listener listener) {
        return new TransportOptions(this.backend, this.kqueue.getLibrary(), this.kqueue.getLayout(), this.maxEvents,
                listener.readBufferBytes());
    }

    @Override
    public boolean supports(Class<?> type) {
        return KqlistenProperties.class.isAssignableFrom(type);
    }

    @Override
    public void validate(Object target, Errors errors) {
        validate(errors, hostOsOrNull());
    }

    /** All the rules, with the host OS given so tests can pose as Linux or a BSD. */
    void validate(Errors errors, @Nullable HostOs host) {
        if (this.backend == null) {
            errors.rejectValue("backend", "required", "must not be null");
        }
        if (this.maxEvents < 1 || this.maxEvents > 65536) {
            errors.rejectValue("max-events", "range", "must be between 1 and 65536");
        }
        if (this.shutdownTimeout == null || this.shutdownTimeout.isNegative()) {
            errors.rejectValue("shutdown-timeout", "range", "must not be negative");
        }
        if (this.reservedDescriptors < 0) {
            errors.rejectValue("reserved-descriptors", "range",
                    "must not be negative (0 lets kqlisten's connections take every descriptor)");
        }
        Duration stall = this.health.getStallThreshold();
        if (stall == null || stall.isNegative() || stall.isZero()) {
            errors.rejectValue("health.stall-threshold", "range", "must be positive");
        }
        if (this.listeners == null || this.listeners.isEmpty()) {
            errors.rejectValue("listeners", "required", "must not be empty");
        }
        Map<String, Integer> names = new HashMap<>();
        Map<InetSocketAddress, Integer> endpoints = new HashMap<>();
        for (int i = 0; i < listeners().size(); i++) {
            Listener listener = listeners().get(i);
            String path = "listeners[" + i + "].";
            if (listener.getName() == null) {
                errors.rejectValue(path + "name", "required", "must not be null");
            }
            else {
                if (!LISTENER_NAME.matcher(listener.getName()).matches()) {
                    errors.rejectValue(path + "name", "pattern",
                            "must contain only lowercase letters, digits and '-'");
                }
                Integer first = names.putIfAbsent(listener.getName(), i);
                if (first != null) {
                    errors.rejectValue(path + "name", "duplicate",
                            "must be unique but is also the name of kqlisten.listeners[" + first + "]");
                }
            }
            if (listener.getAddress() == null) {
                errors.rejectValue(path + "address", "required", "must not be null");
            }
            if (listener.getPort() < 0 || listener.getPort() > 65535) {
                errors.rejectValue(path + "port", "range", "must be between 0 and 65535");
            }
            // Port 0 asks for a fresh ephemeral port each time, so it cannot clash.
            else if (listener.getAddress() != null && listener.getPort() > 0) {
                Integer first = endpoints.putIfAbsent(new InetSocketAddress(listener.getAddress(), listener.getPort()), i);
                if (first != null) {
                    errors.rejectValue(path + "port", "duplicate", "must differ from kqlisten.listeners[" + first
                            + "], which listens on the same address and port");
                }
            }
            if (listener.getPollers() < 1 || listener.getPollers() > ServerConfig.Listener.MAX_POLLERS) {
                errors.rejectValue(path + "pollers", "range", "must be between 1 and " + ServerConfig.Listener.MAX_POLLERS);
            }
            if (listener.getAcceptSpreading() == null) {
                errors.rejectValue(path + "accept-spreading", "required", "must be auto or handoff");
            }
            if (listener.getBacklog() < 0) {
                errors.rejectValue(path + "backlog", "range", "must be 0 (OS maximum) or positive");
            }
            if (listener.getMaxConnections() < 0) {
                errors.rejectValue(path + "max-connections", "range", "must not be negative (0 means no limit)");
            }
            if (listener.getMaxConnectionsPerAddress() < 0) {
                errors.rejectValue(path + "max-connections-per-address", "range",
                        "must not be negative (0 means no limit)");
            }
            if (listener.getIdleTimeout() == null || listener.getIdleTimeout().isNegative()) {
                errors.rejectValue(path + "idle-timeout", "range", "must not be negative (0 means never)");
            }
            DataSize size = listener.getReadBufferSize();
            if (size == null || size.toBytes() < 1 || size.compareTo(MAX_READ_BUFFER_SIZE) > 0) {
                errors.rejectValue(path + "read-buffer-size", "range", "must be between 1B and 16MB");
            }
            listener.validateFraming(errors, path);
            listener.validateWrites(errors, path);
            listener.validateAccess(errors, path);
        }
        validateDispatch(errors);
        if (this.backend == Backend.KQUEUE && host == HostOs.LINUX) {
            if (this.kqueue.getLibrary() == null || this.kqueue.getLibrary().isBlank()) {
                errors.rejectValue("kqueue.library", "required",
                        "must name a kqueue-compatible library when kqlisten.backend is kqueue on Linux");
            }
            if (this.kqueue.getLayout() == null) {
                errors.rejectValue("kqueue.layout", "required",
                        "must name the ABI of the kqueue library when kqlisten.backend is kqueue on Linux");
            }
        }
    }

    private void validateDispatch(Errors errors) {
        if (this.dispatch.getMode() == null) {
            errors.rejectValue("dispatch.mode", "required", "must not be null");
        }
        if (this.dispatch.getThreads() < 1 || this.dispatch.getThreads() > 1024) {
            errors.rejectValue("dispatch.threads", "range", "must be between 1 and 1024");
        }
        DataSize perConnection = this.dispatch.getMaxBytesInFlightPerConnection();
        if (perConnection == null || perConnection.toBytes() < 1) {
            errors.rejectValue("dispatch.max-bytes-in-flight-per-connection", "range", "must be at least 1B");
            perConnection = null;
        }
        else if (this.dispatch.getMode() == Dispatch.Mode.EXECUTOR) {
            // The bound holds to one read buffer: OrderedDispatcher needs room for one read.
            for (int i = 0; i < listeners().size(); i++) {
                DataSize readBuffer = listeners().get(i).getReadBufferSize();
                if (readBuffer != null && readBuffer.compareTo(perConnection) > 0) {
                    errors.rejectValue("dispatch.max-bytes-in-flight-per-connection", "range",
                            "must be at least kqlisten.listeners[" + i + "].read-buffer-size (" + readBuffer
                                    + ") when kqlisten.dispatch.mode is executor");
                    break;
                }
            }
        }
        DataSize total = this.dispatch.getMaxBytesInFlight();
        if (total == null || total.toBytes() < 1
                || (perConnection != null && total.compareTo(perConnection) < 0)) {
            errors.rejectValue("dispatch.max-bytes-in-flight", "range",
                    "must be at least kqlisten.dispatch.max-bytes-in-flight-per-connection");
        }
    }

    /** The listeners, or none when bound to null; {@link #validate} reports that case. */
    private List<Listener> listeners() {
        return (this.listeners != null) ? this.listeners : List.of();
    }

    private static @Nullable HostOs hostOsOrNull() {
        try {
            return HostPlatform.current().os();
        }
        catch (NativeTransportUnavailableException ex) {
            // Unsupported host: Multiplexers reports it when the transport is opened.
            return null;
        }
    }

    /** Settings of the kqueue backend. */
    public static class KQueue {

        /**
         * Name or path of the library exporting kqueue and kevent. Unset means the C library,
         * which is right on every BSD and macOS; required for kqueue on Linux.
         */
        private @Nullable String library;

        /**
         * The struct kevent layout and constants of that library: freebsd, darwin, openbsd,
         * dragonfly, or libkqueue (libkqueue 2.x on Linux). Unset means the host OS's; required
         * for kqueue on Linux. Checked against the library at start-up.
         */
        private @Nullable KQueueAbi layout;

        public @Nullable String getLibrary() {
            return this.library;
        }

        public void setLibrary(@Nullable String library) {
            this.library = library;
        }

        public @Nullable KQueueAbi getLayout() {
            return this.layout;
        }

        public void setLayout(@Nullable KQueueAbi layout) {
            this.layout = layout;
        }

    }

    /** Settings of the logging listener. */
    public static class Logging {

        /**
         * Whether to log one INFO line per listener start, connection, read, EOF and close.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return this.enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

    }

    /** Settings of the health indicator of each listener. */
    public static class Health {

        /**
         * How long a poller may spend handling one batch of events (listeners included) before
         * its listener's health is DOWN as stalled; the loop then accepts and reads nothing.
         */
        private Duration stallThreshold = Duration.ofSeconds(10);

        public Duration getStallThreshold() {
            return this.stallThreshold;
        }

        public void setStallThreshold(Duration stallThreshold) {
            this.stallThreshold = stallThreshold;
        }

    }

    /** Which threads run the listeners of kqlisten events, and how far they may fall behind. */
    public static class Dispatch {

        /**
         * Where listeners run: poller (on the listener's poller thread, one event at a time) or
         * executor (on the kqlisten-dispatch-N threads, in order per connection, with a
         * connection's reads suspended while too many of its bytes wait for its listeners).
         */
        private Mode mode = Mode.POLLER;

        /**
         * Number of kqlisten-dispatch-N threads in executor mode, 1 to 1024; unset means one
         * per available processor.
         */
        private int threads = Runtime.getRuntime().availableProcessors();

        /**
         * In executor mode, most bytes of one connection read but not yet handled by its
         * listeners; above it reading that connection stops until half of it is handled. At
         * least each listener's read-buffer-size.
         */
        private DataSize maxBytesInFlightPerConnection = DataSize.ofMegabytes(1);

        /**
         * In executor mode, most bytes read but not yet handled over all connections; above it
         * every connection that reads is suspended until half of it is handled. At least
         * max-bytes-in-flight-per-connection.
         */
        private DataSize maxBytesInFlight = DataSize.ofMegabytes(64);

        public Mode getMode() {
            return this.mode;
        }

        public void setMode(Mode mode) {
            this.mode = mode;
        }

        public int getThreads() {
            return this.threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public DataSize getMaxBytesInFlightPerConnection() {
            return this.maxBytesInFlightPerConnection;
        }

        public void setMaxBytesInFlightPerConnection(DataSize maxBytesInFlightPerConnection) {
            this.maxBytesInFlightPerConnection = maxBytesInFlightPerConnection;
        }

        public DataSize getMaxBytesInFlight() {
            return this.maxBytesInFlight;
        }

        public void setMaxBytesInFlight(DataSize maxBytesInFlight) {
            this.maxBytesInFlight = maxBytesInFlight;
        }

        /** Where listeners run. */
        public enum Mode {

            /** On the listener's poller thread. */
            POLLER,

            /** On the dispatch threads, through an {@link dev.kqlisten.dispatch.OrderedDispatcher}. */
            EXECUTOR

        }

    }

    /** One listening socket and its poller. */
    public static class Listener {

        /**
         * Name of the listener, unique, of lowercase letters, digits and '-'; tags its events,
         * thread and the local.kqlisten.<name>.port property.
         */
        private @Nullable String name;

        /** Local address to bind: 0.0.0.0 for all IPv4 interfaces, :: for all IPv6 ones. */
        private InetAddress address = anyIpv4();

        /** Port to listen on; 0 lets the operating system choose a free one. */
        private int port = DEFAULT_PORT;

        /**
         * Length of the queue of completed connections waiting for accept; 0 means the OS
         * maximum (listen(2) is passed Integer.MAX_VALUE, which every supported kernel clamps
         * to its somaxconn limit).
         */
        private int backlog;

        /**
         * Whether to set SO_REUSEADDR, so that a restart can bind while connections of the
         * previous process sit in TIME_WAIT.
         */
        private boolean reuseAddress = true;

        /** Whether to set SO_REUSEPORT, letting several sockets share the address and port. */
        private boolean reusePort;

        /**
         * Pollers serving this listener, 1 to 64: each is one thread with its own kqueue or
         * epoll instance, so one poller uses at most one core. Raise it towards the number of
         * cores when the listener's poller thread is saturated (BENCHMARKS.md).
         */
        private int pollers = 1;

        /**
         * How several pollers share new connections: 'auto' gives each poller a listening socket
         * of its own on the same port where the kernel spreads connections over such sockets
         * (Linux SO_REUSEPORT, FreeBSD 12+ SO_REUSEPORT_LB), else as 'handoff'; 'handoff' lets
         * one poller accept and hand connections to each poller in turn.
         */
        private AcceptSpreading acceptSpreading = AcceptSpreading.AUTO;

        /**
         * Value of IPV6_V6ONLY on an IPv6 address; set explicitly because the BSDs and Linux
         * default differently. With false, '::' also accepts IPv4 connections; OpenBSD
         * supports only true.
         */
        private boolean ipv6Only;

        /**
         * Most bytes read from a connection per readiness event, 1B to 16MB; one native buffer
         * of this size per listener. Larger reads cost the poller less CPU per byte: fewer
         * reads, and fewer window updates sent per byte (BENCHMARKS.md).
         */
        private DataSize readBufferSize = DataSize.ofKilobytes(256);

        /**
         * Most open connections of this listener; a connection beyond it is closed at accept
         * with a TcpConnectionRejectedEvent. 0 means no limit.
         */
        private int maxConnections;

        /** Most open connections from one peer address; 0 means no limit. */
        private int maxConnectionsPerAddress;

        /**
         * A connection that sends nothing for this long is closed with reason IDLE_TIMEOUT;
         * 0 means never.
         */
        private Duration idleTimeout = Duration.ZERO;

        /**
         * How each connection's bytes are split into messages: raw (no framing, reads as they
         * come), lines (LF, CRLF accepted, line ending stripped), octet-counting (RFC 6587
         * section 3.4.1), length-prefixed (big-endian length header) or delimiter (one byte).
         */
        private Framing.Mode framing = Framing.Mode.RAW;

        /**
         * Longest message accepted, 1B to 16MB; a longer one closes the connection with
         * reason FRAME_TOO_LONG. Each connection buffers at most this much of a message that
         * spans reads.
         */
        private DataSize maxFrameLength = DataSize.ofKilobytes(8);

        /** The byte that ends a message with framing delimiter, 0 to 255 (0: NUL, as GELF over TCP). */
        private int frameDelimiter;

        /** Size of the length header with framing length-prefixed: 1, 2, 4 or 8 bytes. */
        private int lengthFieldBytes = 4;

        /** Whether the length header of framing length-prefixed counts its own bytes. */
        private boolean lengthIncludesHeader;

        /**
         * With framing octet-counting, whether a message that does not start with an octet count
         * is read as an LF-terminated line (RFC 6587 non-transparent framing) instead of closing
         * the connection with reason MALFORMED_FRAME.
         */
        private boolean linesFallback;

        /**
         * Client addresses allowed to connect, as CIDR blocks (10.0.0.0/8, 2001:db8::/32) or
         * single addresses; a connection from elsewhere is closed at accept with a
         * TcpConnectionRejectedEvent (SOURCE_NOT_ALLOWED). Empty: everyone. With the PROXY
         * protocol, the list applies to the client address the proxy reports.
         */
        private List<String> allowedSources = new ArrayList<>();

        /**
         * Whether connections start with a PROXY protocol header (v1 or v2, as HAProxy's
         * send-proxy and send-proxy-v2 write): off, optional (a connection without one is a direct
         * client) or required. The client address in the header then replaces the proxy's in
         * events, limits, logs and the endpoint.
         */
        private AccessSettings.ProxyProtocol proxyProtocol = AccessSettings.ProxyProtocol.OFF;

        /**
         * Peers whose PROXY header is believed, as CIDR blocks or addresses; required when
         * proxy-protocol is on. A header from any other peer closes the connection
         * (UNTRUSTED_PROXY).
         */
        private List<String> trustedProxies = new ArrayList<>();

        /** How long a connection may take to send its PROXY header (PROXY_HEADER_TIMEOUT). */
        private Duration proxyHeaderTimeout = Duration.ofSeconds(5);

        public List<String> getAllowedSources() {
            return this.allowedSources;
        }

        public void setAllowedSources(List<String> allowedSources) {
            this.allowedSources = allowedSources;
        }

        public AccessSettings.ProxyProtocol getProxyProtocol() {
            return this.proxyProtocol;
        }

        public void setProxyProtocol(AccessSettings.ProxyProtocol proxyProtocol) {
            this.proxyProtocol = proxyProtocol;
        }

        public List<String> getTrustedProxies() {
            return this.trustedProxies;
        }

        public void setTrustedProxies(List<String> trustedProxies) {
            this.trustedProxies = trustedProxies;
        }

        public Duration getProxyHeaderTimeout() {
            return this.proxyHeaderTimeout;
        }

        public void setProxyHeaderTimeout(Duration proxyHeaderTimeout) {
            this.proxyHeaderTimeout = proxyHeaderTimeout;
        }

        AccessSettings toAccessSettings() {
            return new AccessSettings(CidrList.parse(this.allowedSources), this.proxyProtocol,
                    CidrList.parse(this.trustedProxies), this.proxyHeaderTimeout);
        }

        void validateAccess(Errors errors, String path) {
            validateCidrs(errors, path + "allowed-sources", this.allowedSources);
            validateCidrs(errors, path + "trusted-proxies", this.trustedProxies);
            if (this.proxyProtocol == null) {
                errors.rejectValue(path + "proxy-protocol", "required", "must be off, optional or required");
            }
            else if (this.proxyProtocol != AccessSettings.ProxyProtocol.OFF
                    && (this.trustedProxies == null || this.trustedProxies.isEmpty())) {
                errors.rejectValue(path + "trusted-proxies", "required",
                        "must list the proxies (CIDR blocks or addresses) whose PROXY header is believed when "
                                + "proxy-protocol is " + this.proxyProtocol.name().toLowerCase(Locale.ROOT));
            }
            if (this.proxyHeaderTimeout == null || this.proxyHeaderTimeout.isNegative()
                    || this.proxyHeaderTimeout.isZero()) {
                errors.rejectValue(path + "proxy-header-timeout", "range", "must be positive");
            }
        }

        private static void validateCidrs(Errors errors, String property, List<String> entries) {
            if (entries == null) {
                return;
            }
            try {
                CidrList.parse(entries);
            }
            catch (IllegalArgumentException ex) {
                errors.rejectValue(property, "invalid", ex.getMessage());
            }
        }

        /**
         * Pending bytes above which a connection turns unwritable: its writes answer
         * QUEUED_SLOW_DOWN and a TcpWritabilityChangedEvent says to stop writing to it.
         */
        private DataSize writeHighWaterMark = DataSize.ofKilobytes(64);

        /** Pending bytes at or below which an unwritable connection turns writable again. */
        private DataSize writeLowWaterMark = DataSize.ofKilobytes(32);

        /**
         * Most bytes queued for one connection, up to 256MB; a write beyond it is refused and
         * the connection, whose peer is not reading, is closed with reason WRITE_QUEUE_FULL.
         */
        private DataSize writeQueueLimit = DataSize.ofMegabytes(1);

        /**
         * Whether a connection stays open for writing after the peer's end of stream, until the
         * application closes it (or its idle-timeout); otherwise it closes as soon as what was
         * queued for it is written.
         */
        private boolean halfClose;

        public DataSize getWriteHighWaterMark() {
            return this.writeHighWaterMark;
        }

        public void setWriteHighWaterMark(DataSize writeHighWaterMark) {
            this.writeHighWaterMark = writeHighWaterMark;
        }

        public DataSize getWriteLowWaterMark() {
            return this.writeLowWaterMark;
        }

        public void setWriteLowWaterMark(DataSize writeLowWaterMark) {
            this.writeLowWaterMark = writeLowWaterMark;
        }

        public DataSize getWriteQueueLimit() {
            return this.writeQueueLimit;
        }

        public void setWriteQueueLimit(DataSize writeQueueLimit) {
            this.writeQueueLimit = writeQueueLimit;
        }

        public boolean isHalfClose() {
            return this.halfClose;
        }

        public void setHalfClose(boolean halfClose) {
            this.halfClose = halfClose;
        }

        WriteSettings toWriteSettings() {
            return new WriteSettings(Math.toIntExact(this.writeLowWaterMark.toBytes()),
                    Math.toIntExact(this.writeHighWaterMark.toBytes()), Math.toIntExact(this.writeQueueLimit.toBytes()),
                    this.halfClose);
        }

        void validateWrites(Errors errors, String path) {
            DataSize limit = this.writeQueueLimit;
            DataSize high = this.writeHighWaterMark;
            DataSize low = this.writeLowWaterMark;
            if (limit == null || limit.toBytes() < 1 || limit.compareTo(MAX_WRITE_QUEUE_LIMIT) > 0) {
                errors.rejectValue(path + "write-queue-limit", "range", "must be between 1B and 256MB");
                return;
            }
            if (high == null || high.toBytes() < 0 || high.compareTo(limit) > 0) {
                errors.rejectValue(path + "write-high-water-mark", "range",
                        "must be between 0B and write-queue-limit (" + limit + ")");
                return;
            }
            if (low == null || low.toBytes() < 0 || low.compareTo(high) > 0) {
                errors.rejectValue(path + "write-low-water-mark", "range",
                        "must be between 0B and write-high-water-mark (" + high + ")");
            }
        }

        public Framing.Mode getFraming() {
            return this.framing;
        }

        public void setFraming(Framing.Mode framing) {
            this.framing = framing;
        }

        public DataSize getMaxFrameLength() {
            return this.maxFrameLength;
        }

        public void setMaxFrameLength(DataSize maxFrameLength) {
            this.maxFrameLength = maxFrameLength;
        }

        public int getFrameDelimiter() {
            return this.frameDelimiter;
        }

        public void setFrameDelimiter(int frameDelimiter) {
            this.frameDelimiter = frameDelimiter;
        }

        public int getLengthFieldBytes() {
            return this.lengthFieldBytes;
        }

        public void setLengthFieldBytes(int lengthFieldBytes) {
            this.lengthFieldBytes = lengthFieldBytes;
        }

        public boolean isLengthIncludesHeader() {
            return this.lengthIncludesHeader;
        }

        public void setLengthIncludesHeader(boolean lengthIncludesHeader) {
            this.lengthIncludesHeader = lengthIncludesHeader;
        }

        public boolean isLinesFallback() {
            return this.linesFallback;
        }

        public void setLinesFallback(boolean linesFallback) {
            this.linesFallback = linesFallback;
        }

        Framing toFraming() {
            return new Framing(this.framing, Math.toIntExact(this.maxFrameLength.toBytes()),
                    (byte) this.frameDelimiter, this.lengthFieldBytes, this.lengthIncludesHeader, this.linesFallback);
        }

        /**
         * The framing settings sit flat on the listener, not in a group of their own, so that a
         * typo in them fails start-up like any other key: Boot looks for unknown keys only one
         * level below a list element.
         */
        void validateFraming(Errors errors, String path) {
            if (this.framing == null) {
                errors.rejectValue(path + "framing", "required", "must not be null");
            }
            DataSize max = this.maxFrameLength;
            if (max == null || max.toBytes() < 1 || max.compareTo(MAX_FRAME_LENGTH) > 0) {
                errors.rejectValue(path + "max-frame-length", "range", "must be between 1B and 16MB");
            }
            if (this.frameDelimiter < 0 || this.frameDelimiter > 255) {
                errors.rejectValue(path + "frame-delimiter", "range", "must be a byte value between 0 and 255");
            }
            int header = this.lengthFieldBytes;
            if (header != 1 && header != 2 && header != 4 && header != 8) {
                errors.rejectValue(path + "length-field-bytes", "range", "must be 1, 2, 4 or 8");
            }
        }

        public int getMaxConnections() {
            return this.maxConnections;
        }

        public void setMaxConnections(int maxConnections) {
            this.maxConnections = maxConnections;
        }

        public int getMaxConnectionsPerAddress() {
            return this.maxConnectionsPerAddress;
        }

        public void setMaxConnectionsPerAddress(int maxConnectionsPerAddress) {
            this.maxConnectionsPerAddress = maxConnectionsPerAddress;
        }

        public Duration getIdleTimeout() {
            return this.idleTimeout;
        }

        public void setIdleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
        }

        PollerLimits toLimits() {
            return new PollerLimits(this.maxConnections, this.maxConnectionsPerAddress, this.idleTimeout);
        }

        public @Nullable String getName() {
            return this.name;
        }

        public void setName(@Nullable String name) {
            this.name = name;
        }

        public InetAddress getAddress() {
            return this.address;
        }

        public void setAddress(InetAddress address) {
            this.address = address;
        }

        public int getPort() {
            return this.port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public int getBacklog() {
            return this.backlog;
        }

        public void setBacklog(int backlog) {
            this.backlog = backlog;
        }

        public boolean isReuseAddress() {
            return this.reuseAddress;
        }

        public void setReuseAddress(boolean reuseAddress) {
            this.reuseAddress = reuseAddress;
        }

        public boolean isReusePort() {
            return this.reusePort;
        }

        public int getPollers() {
            return this.pollers;
        }

        public void setPollers(int pollers) {
            this.pollers = pollers;
        }

        public AcceptSpreading getAcceptSpreading() {
            return this.acceptSpreading;
        }

        public void setAcceptSpreading(AcceptSpreading acceptSpreading) {
            this.acceptSpreading = acceptSpreading;
        }

        public void setReusePort(boolean reusePort) {
            this.reusePort = reusePort;
        }

        public boolean isIpv6Only() {
            return this.ipv6Only;
        }

        public void setIpv6Only(boolean ipv6Only) {
            this.ipv6Only = ipv6Only;
        }

        public DataSize getReadBufferSize() {
            return this.readBufferSize;
        }

        public void setReadBufferSize(DataSize readBufferSize) {
            this.readBufferSize = readBufferSize;
        }

        private static InetAddress anyIpv4() {
            try {
                return InetAddress.getByAddress(new byte[4]);
            }
            catch (UnknownHostException ex) {
                throw new IllegalStateException(ex);
            }
        }

        int readBufferBytes() {
            return Math.toIntExact(this.readBufferSize.toBytes());
        }

        ListenSpec toListenSpec() {
            return new ListenSpec(this.address, this.port, this.backlog, this.reuseAddress, this.reusePort,
                    this.ipv6Only);
        }

    }

}
