package dev.berth.adapters.storage.filesystem;

import dev.berth.application.port.FileRegion;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Objects;

/**
 * Exactly {@code length} bytes of a file from a position, read with positional reads; owns the
 * channel and closes it with the stream. As a {@link FileRegion} the HTTP adapter can send it with
 * {@code sendfile}.
 */
final class FileRangeInputStream extends InputStream implements FileRegion {

    private final FileChannel channel;
    private long position;
    private long remaining;

    FileRangeInputStream(FileChannel channel, long position, long length) {
        this.channel = channel;
        this.position = position;
        this.remaining = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) {
            return 0;
        }
        if (remaining == 0) {
            return -1;
        }
        int read = channel.read(ByteBuffer.wrap(bytes, offset, (int) Math.min(length, remaining)), position);
        if (read < 0) {
            // a silently short stream would become a truncated HTTP response with a wrong length
            throw new EOFException("file ended " + remaining + " bytes before the requested range did");
        }
        position += read;
        remaining -= read;
        return read;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.clamp(n, 0, remaining);
        position += skipped;
        remaining -= skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(remaining, Integer.MAX_VALUE);
    }

    @Override
    public FileChannel channel() {
        return channel;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public long remaining() {
        return remaining;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
