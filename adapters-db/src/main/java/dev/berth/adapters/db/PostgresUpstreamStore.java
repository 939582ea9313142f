package dev.berth.adapters.db;

import dev.berth.application.port.UpstreamStore;
import dev.berth.application.upstream.Upstream;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The admin UI's upstreams in {@code pull_through_upstream} (V22__pull_through_upstreams.sql), the
 * password sealed with the secrets key ({@link SecretBox}), bound to the prefix. V22's trigger tells
 * every node of a change; {@link MetadataChanges} passes it on to {@link #onChange}'s listener.
 */
public final class PostgresUpstreamStore implements UpstreamStore {

    private static final String COLUMNS = "prefix, remote_url, username, password, ttl_ms, max_bytes, ca_bundle, "
            + "client_cert, client_key";

    private final Jpa jpa;
    private final SecretBox secrets;
    private final MetadataDatabase database;

    public PostgresUpstreamStore(MetadataDatabase database) {
        this.jpa = database.jpa();
        this.secrets = database.secrets();
        this.database = database;
    }

    @Override
    public List<Upstream> list() {
        return jpa.jdbc(c -> {
            try (PreparedStatement query = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM pull_through_upstream ORDER BY prefix COLLATE \"C\"");
                 ResultSet rs = query.executeQuery()) {
                List<Upstream> upstreams = new ArrayList<>();
                while (rs.next()) {
                    upstreams.add(upstream(rs));
                }
                return upstreams;
            }
        });
    }

    @Override
    public Optional<Upstream> find(String prefix) {
        return jpa.jdbc(c -> {
            try (PreparedStatement query = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM pull_through_upstream WHERE prefix = ?")) {
                query.setString(1, prefix);
                try (ResultSet rs = query.executeQuery()) {
                    return rs.next() ? Optional.of(upstream(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public boolean save(Optional<String> replacing, Upstream u) {
        return jpa.jdbc(c -> {
            if (replacing.isPresent()) {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM pull_through_upstream WHERE prefix = ?")) {
                    delete.setString(1, replacing.get());
                    if (delete.executeUpdate() == 0) {
                        return false;
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO pull_through_upstream (" + COLUMNS
                    + ", updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now()) ON CONFLICT (prefix) DO NOTHING")) {
                insert.setString(1, u.prefix());
                insert.setString(2, u.remoteUrl());
                insert.setString(3, u.username().orElse(null));
                insert.setString(4, u.password().map(p -> secrets.sealText(p, passwordWhere(u.prefix()))).orElse(null));
                insert.setLong(5, u.ttl().toMillis());
                insert.setLong(6, u.maxBytes());
                insert.setString(7, u.caBundle().orElse(null));
                insert.setString(8, u.clientCert().orElse(null));
                insert.setString(9, u.clientKey().orElse(null));
                return insert.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean remove(String prefix) {
        return jpa.jdbc(c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM pull_through_upstream WHERE prefix = ?")) {
                delete.setString(1, prefix);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public void onChange(Runnable listener) {
        database.onUpstreamsChanged(listener);
    }

    /** What the password's seal is bound to: a sealed value copied to another row does not open. */
    static String passwordWhere(String prefix) {
        return "pull-through upstream " + prefix + " password";
    }

    private Upstream upstream(ResultSet rs) throws SQLException {
        String prefix = rs.getString(1);
        String sealed = rs.getString(4);
        return new Upstream(prefix, rs.getString(2), Optional.ofNullable(rs.getString(3)),
                Optional.ofNullable(sealed).map(p -> secrets.openText(p, passwordWhere(prefix))),
                Duration.ofMillis(rs.getLong(5)), rs.getLong(6), Optional.ofNullable(rs.getString(7)),
                Optional.ofNullable(rs.getString(8)), Optional.ofNullable(rs.getString(9)), Upstream.Source.ADMIN);
    }
}
