package dev.kqlisten.framing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Writes down, as text lines, what a decoder reported: comparable across runs and splits. */
final class RecordingHandler implements FrameHandler {

    final List<String> reports = new ArrayList<>();

    final List<ByteBuffer> lent = new ArrayList<>();

    @Override
    public void frame(ByteBuffer frame, long offset) {
        this.lent.add(frame);
        this.reports.add("frame@" + offset + " " + text(frame));
    }

    @Override
    public void malformed(FrameError error, long offset) {
        this.reports.add("malformed@" + offset + " " + error);
    }

    @Override
    public void truncated(ByteBuffer partial, long offset) {
        this.reports.add("truncated@" + offset + " " + text(partial));
    }

    List<String> frames() {
        return this.reports.stream().filter((r) -> r.startsWith("frame@")).map((r) -> r.substring(r.indexOf(' ') + 1))
            .toList();
    }

    private static String text(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        // Latin-1 keeps every byte value distinct and printable enough for a comparison.
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

}
