package dev.berth.adapters.db;

import dev.berth.application.port.BlobFetchTurns;
import dev.berth.domain.Digest;
import dev.berth.domain.error.UnavailableException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;

/**
 * The pull-through cache's fetch turns as PostgreSQL session advisory locks keyed by the digest. A
 * turn is a connection of its own (outside the pool) holding the digest's lock: closing it ends the
 * turn, and so does its node's death, since PostgreSQL releases a session's locks when its connection
 * goes (at once when the process dies; after the server's TCP keepalive gives up when the network
 * parts). A node waiting for the turn waits on such a connection too, inside PostgreSQL, bounded by
 * {@code lock_timeout}: it holds none of the pool's connections, which requests need meanwhile, and
 * goes the moment the holder is done. Two digests whose hashes collide share a turn: a wait, no harm.
 */
public final class PostgresBlobFetchTurns implements BlobFetchTurns {

    /** First key of the two-key advisory locks on fetching a digest ("pf"); the second is the digest's hash. */
    static final int FETCH_TURNS = 0x7066;
    /** lock_not_available: the lock_timeout passed. */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private final DatabaseSettings settings;

    public PostgresBlobFetchTurns(MetadataDatabase database) {
        this.settings = database.settings();
    }

    @Override
    public Optional<Turn> take(Digest digest, Duration patience) {
        Connection connection;
        try {
            connection = settings.openOwnConnection("berth-blob-fetch");
        } catch (SQLException e) {
            throw new UnavailableException("the metadata database is unavailable", e);
        }
        try {
            try (Statement timeout = connection.createStatement()) {
                // at least a millisecond: 0 would mean no limit at all
                timeout.execute("SET lock_timeout = " + Math.max(1, patience.toMillis()));
            }
            try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_lock(?, hashtext(?))")) {
                lock.setInt(1, FETCH_TURNS);
                lock.setString(2, digest.toString());
                lock.execute();
            }
            return Optional.of(() -> close(connection));
        } catch (SQLException e) {
            close(connection);
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw new UnavailableException("the metadata database is unavailable", e);
        }
    }

    /** Ends the session, and with it the lock (no unlock needed, none forgotten). */
    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // a connection that fails to close is gone already, its lock with it
        }
    }
}
