package dev.berth.adapters.storage.filesystem;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.CompletableFuture;

/**
 * Writes an upload's bytes to disk while more arrive: every {@link #STEP} bytes a background
 * {@code fdatasync}, one at a time, so that the fsync before a commit finds only the tail to flush
 * instead of the whole layer at once (1 GiB of dirty pages took seconds after the last byte
 * arrived). Durability is unchanged: the commit still forces the whole file before its rename.
 */
final class Writeback {

    static final long STEP = 32L << 20;

    private final FileChannel channel;
    private long next;
    private CompletableFuture<Void> running = CompletableFuture.completedFuture(null);

    Writeback(FileChannel channel, long position) {
        this.channel = channel;
        this.next = position + STEP;
    }

    /** The file now holds bytes up to {@code position}. */
    void written(long position) throws IOException {
        if (position < next || !running.isDone()) {
            // a disk behind the network: the step after this one catches up
            return;
        }
        finish();
        next = position + STEP;
        running = BackgroundIo.start("berth-writeback", () -> channel.force(false));
    }

    /**
     * Waits for the flush in flight. A failed one fails the write: after a failed fsync Linux may
     * report success for the same lost pages on the next one, so the commit's fsync cannot be trusted to.
     */
    void finish() throws IOException {
        BackgroundIo.await(running);
    }
}
