package dev.berth.adapters.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The bytes of one part object before it is sent: S3 needs each object's length up front, and a
 * PATCH body's length is not known until it ends. Grows in 1 MiB slabs up to the part size, so a
 * small chunk costs little memory and a large one at most the part size.
 */
final class PartBuffer {

    private static final int SLAB = 1 << 20;

    private final List<byte[]> slabs = new ArrayList<>();
    private long size;

    long size() {
        return size;
    }

    /** Reads from {@code in} until this buffer holds {@code limit} bytes or {@code in} ends; true if it ended. */
    boolean fill(InputStream in, long limit) throws IOException {
        while (size < limit) {
            int inSlab = (int) (size % SLAB);
            if (inSlab == 0 && slabs.size() * (long) SLAB == size) {
                slabs.add(new byte[SLAB]);
            }
            byte[] slab = slabs.get((int) (size / SLAB));
            int n = in.read(slab, inSlab, (int) Math.min(SLAB - inSlab, limit - size));
            if (n < 0) {
                return true;
            }
            size += n;
        }
        return false;
    }

    /** A fresh stream over the buffered bytes (the SDK may read them twice, e.g. to sign them). */
    InputStream newStream() {
        List<InputStream> parts = new ArrayList<>();
        long left = size;
        for (byte[] slab : slabs) {
            int n = (int) Math.min(SLAB, left);
            if (n == 0) {
                break;
            }
            parts.add(new java.io.ByteArrayInputStream(slab, 0, n));
            left -= n;
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    /** Empties the buffer, keeping its slabs for the next part. */
    void clear() {
        size = 0;
    }
}
