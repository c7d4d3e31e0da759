package dev.kqlisten.framing;

import java.nio.ByteBuffer;

/**
 * RFC 6587 section 3.4.1 octet counting: {@code MSG-LEN SP SYSLOG-MSG}, where MSG-LEN is a
 * decimal number without leading zeros, the length of SYSLOG-MSG in bytes. With the lines
 * fallback, a frame that does not start with a digit 1-9 is taken as non-transparent framing
 * (section 3.4.2): it runs to the next LF, a CR before it dropped, as senders mixing both
 * framings (and rsyslog's receivers) expect.
 */
public final class OctetCountingFrameDecoder extends AbstractFrameDecoder {

    private static final int BETWEEN = 0;

    private static final int COUNT = 1;

    private static final int BODY = 2;

    private static final int LINE = 3;

    private final boolean linesFallback;

    private int state = BETWEEN;

    /** The octet count read so far, then the body length. */
    private long length;

    public OctetCountingFrameDecoder(int maxFrameLength, boolean linesFallback) {
        super(maxFrameLength, linesFallback ? 1 : 0);
        this.linesFallback = linesFallback;
    }

    @Override
    int step(ByteBuffer data, int pos, int limit, FrameHandler handler) {
        switch (this.state) {
            case BETWEEN -> {
                byte b = data.get(pos);
                beginFrame(pos);
                if (b >= '1' && b <= '9') {
                    this.state = COUNT;
                    this.length = b - '0';
                    return pos + 1;
                }
                if (!this.linesFallback) {
                    fail(FrameError.BAD_OCTET_COUNT, handler);
                    return limit;
                }
                this.state = LINE;
                return delimited(data, pos, limit, (byte) '\n', true, handler);
            }
            case COUNT -> {
                int i = pos;
                while (i < limit) {
                    byte b = data.get(i++);
                    if (b == ' ') {
                        this.state = BODY;
                        return i;
                    }
                    if (b < '0' || b > '9') {
                        fail(FrameError.BAD_OCTET_COUNT, handler);
                        return limit;
                    }
                    this.length = this.length * 10 + (b - '0');
                    if (this.length > this.maxFrameLength) {
                        fail(FrameError.FRAME_TOO_LONG, handler);
                        return limit;
                    }
                }
                return limit;
            }
            case BODY -> {
                return body(data, pos, limit, this.length - this.pending.length(), handler);
            }
            default -> {
                return delimited(data, pos, limit, (byte) '\n', true, handler);
            }
        }
    }

    @Override
    void endFrame() {
        super.endFrame();
        this.state = BETWEEN;
        this.length = 0;
    }

}
