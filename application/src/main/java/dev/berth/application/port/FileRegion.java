package dev.berth.application.port;

import java.nio.channels.FileChannel;

/**
 * Implemented by a {@link BlobStore#read} stream whose bytes are a region of a local file, so that an
 * HTTP adapter may let the kernel send them ({@code sendfile}) instead of copying them through the
 * JVM. The stream stays an ordinary stream for every other reader. Whoever sends the region reads it
 * through {@link #channel} with positional reads only and still closes the stream, which closes the file.
 */
public interface FileRegion {

    /** The open file. */
    FileChannel channel();

    /** Where the bytes not yet read start in the file. */
    long position();

    /** How many bytes are left to read. */
    long remaining();
}
