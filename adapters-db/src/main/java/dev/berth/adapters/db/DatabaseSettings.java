package dev.berth.adapters.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * How to reach PostgreSQL. {@code mode} is "embedded" or "external"; {@code location} is what an
 * operator may see (never the password); {@code secrets} seals the secrets stored in it.
 */
public record DatabaseSettings(String mode, String location, String jdbcUrl, String user, String password,
                               int maxPoolSize, SecretBox secrets) {

    public DatabaseSettings {
        java.util.Objects.requireNonNull(secrets, "secrets");
    }

    /**
     * A connection of its own, outside the pool, in auto-commit, for what holds a connection for
     * long (listening for notifications, a session's advisory lock); {@code name} shows in
     * {@code pg_stat_activity}. The caller closes it.
     */
    Connection openOwnConnection(String name) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", name);
        // a peer that vanished without closing is noticed by the operating system, not never
        properties.setProperty("tcpKeepAlive", "true");
        // named, not looked up in DriverManager: see MetadataDatabase.pool
        Connection opened = new org.postgresql.Driver().connect(jdbcUrl, properties);
        if (opened == null) {
            throw new SQLException("not a PostgreSQL URL: " + jdbcUrl);
        }
        opened.setAutoCommit(true);
        return opened;
    }

    @Override
    public String toString() {
        return "DatabaseSettings[mode=" + mode + ", location=" + location + ", user=" + user
                + ", maxPoolSize=" + maxPoolSize + ", " + secrets + "]";
    }
}
