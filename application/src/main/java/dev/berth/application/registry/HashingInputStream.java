package dev.berth.application.registry;

import dev.berth.domain.Digester;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Hashes bytes as the storage driver reads them: one pass over a blob, never a second. */
public final class HashingInputStream extends FilterInputStream {

    private final Digester digester;

    public HashingInputStream(InputStream in, Digester digester) {
        super(in);
        this.digester = digester;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            digester.update(new byte[]{(byte) b});
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n > 0) {
            digester.update(buffer, offset, n);
        }
        return n;
    }

    @Override
    public long skip(long n) {
        throw new UnsupportedOperationException("skipping would leave bytes unhashed");
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
