package dev.berth.adapters.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Objects;

/**
 * Part objects read one after the other, each opened only when the reader gets to it (a
 * multi-GB upload is never fetched ahead). Unlike a {@link java.io.SequenceInputStream} over an
 * enumeration, a part that cannot be opened fails the read with its {@link IOException}, not an
 * unchecked one that callers of the port do not expect.
 */
final class PartsInputStream extends InputStream {

    interface Opener {
        InputStream open() throws IOException;
    }

    private final Iterator<Opener> parts;
    private InputStream current = InputStream.nullInputStream();

    PartsInputStream(Iterator<Opener> parts) {
        this.parts = parts;
    }

    @Override
    public int read() throws IOException {
        int b;
        while ((b = current.read()) < 0 && nextPart()) {
            // the next part's first byte, if it has one
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            return 0;
        }
        int n;
        while ((n = current.read(buffer, offset, length)) < 0 && nextPart()) {
            // read on in the next part
        }
        return n;
    }

    /** Closes the part read to its end and opens the next one; false when there is none. */
    private boolean nextPart() throws IOException {
        if (!parts.hasNext()) {
            return false;
        }
        current.close();
        current = InputStream.nullInputStream();
        current = parts.next().open();
        return true;
    }

    @Override
    public void close() throws IOException {
        current.close();
    }
}
