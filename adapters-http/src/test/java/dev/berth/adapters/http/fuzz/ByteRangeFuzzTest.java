package dev.berth.adapters.http.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.adapters.http.ByteRange;
import dev.berth.domain.error.RangeInvalidException;

import java.util.Optional;

/**
 * A blob GET's {@code Range} and an upload chunk's {@code Content-Range}: a range inside what it
 * describes or a refusal (416, or the whole blob for a Range that is no single byte range), never
 * another exception; a range prints back as a header that parses to the same range.
 */
class ByteRangeFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsesOrRefusesAndRoundTrips(FuzzedDataProvider data) {
        // small blobs half the time, where the edges (0, 1, the suffix longer than the blob) lie
        long size = data.consumeBoolean() ? data.consumeLong(0, 64) : data.consumeLong() & Long.MAX_VALUE;
        String header = data.consumeRemainingAsString();
        range(header, size);
        contentRange(header);
    }

    private static void range(String header, long size) {
        Optional<ByteRange> range;
        try {
            range = ByteRange.parse(header, size);
        } catch (ByteRange.Unsatisfiable expected) {
            return; // 416 with Content-Range: bytes */size
        }
        if (range.isEmpty()) {
            return; // no single byte range: the whole blob
        }
        ByteRange r = range.get();
        if (r.first() < 0 || r.last() < r.first() || r.last() >= size || r.length() < 1) {
            throw new AssertionError("Range " + header + " of a " + size + "-byte blob gave " + r);
        }
        Optional<ByteRange> again;
        try {
            again = ByteRange.parse("bytes=" + r.first() + "-" + r.last(), size);
        } catch (ByteRange.Unsatisfiable e) {
            throw new AssertionError("Range " + r + " parsed once, then was unsatisfiable", e);
        }
        if (!again.equals(range)) {
            throw new AssertionError("Range " + header + " gave " + r + ", printed back " + again);
        }
    }

    private static void contentRange(String header) {
        Optional<ByteRange> range;
        try {
            range = ByteRange.parseContentRange(header);
        } catch (RangeInvalidException expected) {
            return; // 416 RANGE_INVALID
        }
        if (range.isEmpty()) {
            if (!header.isBlank()) {
                throw new AssertionError("Content-Range " + header + " was ignored rather than refused");
            }
            return;
        }
        ByteRange r = range.get();
        // the length becomes the chunk's expected size: it must be positive, not an overflow
        if (r.first() < 0 || r.last() < r.first() || r.length() < 1) {
            throw new AssertionError("Content-Range " + header + " gave " + r + " of length " + r.length());
        }
        for (String printed : new String[]{r.first() + "-" + r.last(), "bytes " + r.first() + "-" + r.last()}) {
            if (!ByteRange.parseContentRange(printed).equals(range)) {
                throw new AssertionError("Content-Range " + header + " gave " + r + ", " + printed + " does not");
            }
        }
    }
}
