package dev.berth.adapters.storage.s3;

import software.amazon.awssdk.core.ResponseInputStream;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;

/**
 * An object's bytes as S3 sends them, checked to be exactly as long as asked. Closed before its end
 * (a client that went away mid-layer) it aborts the connection instead of reading the rest of a
 * multi-GB object just to reuse the connection.
 */
final class AbortingInputStream extends FilterInputStream {

    private final ResponseInputStream<?> response;
    private long remaining;

    AbortingInputStream(ResponseInputStream<?> response, long length) {
        super(response);
        this.response = response;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int b = super.read();
        if (b < 0) {
            throw truncated();
        }
        remaining--;
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining == 0) {
            return length == 0 ? 0 : -1;
        }
        int n = super.read(buffer, offset, (int) Math.min(length, remaining));
        if (n < 0) {
            throw truncated();
        }
        remaining -= n;
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, remaining));
        remaining -= skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), remaining);
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public void close() throws IOException {
        if (remaining > 0) {
            response.abort();
        }
        super.close();
    }

    private EOFException truncated() {
        return new EOFException("the object ended " + remaining + " bytes early");
    }
}
