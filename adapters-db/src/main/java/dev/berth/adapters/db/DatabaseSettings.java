package dev.berth.adapters.db;

/**
 * How to reach PostgreSQL. {@code mode} is "embedded" or "external"; {@code location} is what an
 * operator may see (never the password).
 */
public record DatabaseSettings(String mode, String location, String jdbcUrl, String user, String password,
                               int maxPoolSize) {

    @Override
    public String toString() {
        return "DatabaseSettings[mode=" + mode + ", location=" + location + ", user=" + user
                + ", maxPoolSize=" + maxPoolSize + "]";
    }
}
