package dev.berth.adapters.db;

import dev.berth.application.contract.BlobFetchTurnsContract;
import dev.berth.application.port.BlobFetchTurns;
import dev.berth.domain.Digest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fetch turns on a real PostgreSQL: each {@link #node()} is a store instance of its own, as each
 * Berth node has, on the same database; a node's death is its session terminated by the server.
 */
class PostgresBlobFetchTurnsTest extends BlobFetchTurnsContract {

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();

    /** The session holding a digest's turn, as pg_locks shows a two-key advisory lock. */
    private static final String HOLDER = "FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted"
            + " AND classid = " + PostgresBlobFetchTurns.FETCH_TURNS + " AND objid::bigint = (hashtext(?)::bigint & 4294967295)";

    @Override
    protected BlobFetchTurns node() {
        return new PostgresBlobFetchTurns(postgres.database());
    }

    @Override
    protected void dieHolding(Digest digest) throws SQLException {
        try (Connection connection = postgres.database().dataSource().getConnection();
             PreparedStatement kill = connection.prepareStatement("SELECT pg_terminate_backend(pid) " + HOLDER)) {
            kill.setString(1, digest.toString());
            try (ResultSet killed = kill.executeQuery()) {
                assertThat(killed.next()).as("a session holds the turn").isTrue();
                assertThat(killed.getBoolean(1)).isTrue();
            }
            connection.commit();
        }
    }

    @Test
    void aNodeWaitingForTheTurnHoldsNoPooledConnectionItWaitsInsidePostgres() throws Exception {
        Digest digest = someDigest();
        try (BlobFetchTurns.Turn held = node().take(digest, Duration.ofMinutes(1)).orElseThrow()) {
            assertThat(held).isNotNull();
            CompletableFuture<Optional<BlobFetchTurns.Turn>> waiting = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> waiting.complete(node().take(digest, Duration.ofMinutes(1))));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (lockWaiters() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(lockWaiters()).as("a session of berth-blob-fetch waiting on the lock").isEqualTo(1);
            assertThat(postgres.database().poolUsage().active()).as("pooled connections in use").isZero();
            assertThat(waiting).isNotDone();
        }
    }

    private static int lockWaiters() throws SQLException {
        try (Connection connection = postgres.database().dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE application_name = 'berth-blob-fetch' AND wait_event_type = 'Lock'");
             ResultSet rs = query.executeQuery()) {
            rs.next();
            int waiting = rs.getInt(1);
            connection.commit();
            return waiting;
        }
    }
}
