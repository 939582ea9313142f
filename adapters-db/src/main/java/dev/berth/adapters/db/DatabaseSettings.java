package dev.berth.adapters.db;

/**
 * How to reach PostgreSQL. {@code mode} is "embedded" or "external"; {@code location} is what an
 * operator may see (never the password); {@code secrets} seals the secrets stored in it.
 */
public record DatabaseSettings(String mode, String location, String jdbcUrl, String user, String password,
                               int maxPoolSize, SecretBox secrets) {

    public DatabaseSettings {
        java.util.Objects.requireNonNull(secrets, "secrets");
    }

    @Override
    public String toString() {
        return "DatabaseSettings[mode=" + mode + ", location=" + location + ", user=" + user
                + ", maxPoolSize=" + maxPoolSize + ", " + secrets + "]";
    }
}
