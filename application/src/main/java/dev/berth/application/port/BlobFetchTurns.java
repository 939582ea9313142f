package dev.berth.application.port;

import dev.berth.domain.Digest;

import java.time.Duration;
import java.util.Optional;

/**
 * Port: whose turn it is, among every node sharing the metadata database, to fetch a blob from a
 * pull-through cache's upstream. One node at a time holds a digest's turn; the others wait for it and
 * then find the blob stored, so that N nodes asked for one blob at once fetch it once. A turn ends
 * when it is closed, or when its node dies (its hold on the database goes with it): a node that
 * died mid-fetch stored nothing, and the next one in line fetches.
 */
public interface BlobFetchTurns {

    /**
     * Waits for the turn to fetch {@code digest}, at most {@code patience}; without holding a pooled
     * database connection meanwhile.
     *
     * @return the turn, to close once the blob is stored (or its fetch failed); empty when another
     *         node still held it after that wait
     */
    Optional<Turn> take(Digest digest, Duration patience);

    /** A turn held; closing it lets the next node in line go. */
    interface Turn extends AutoCloseable {
        @Override
        void close();
    }

    /** For a single node (no shared database): every turn is free at once; the JVM's own single flight is enough. */
    static BlobFetchTurns singleNode() {
        return (digest, patience) -> Optional.of(() -> { });
    }
}
