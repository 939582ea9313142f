package dev.berth.adapters.db;

import dev.berth.application.event.EnvelopeFormat;
import dev.berth.application.event.NotificationEndpoint;
import dev.berth.application.port.SigningKeyStore.SigningKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12: what a dump of the database shows of the secrets in it — token signing keys, webhook
 * headers and signing keys — is ciphertext that opens only with the key kept outside it.
 */
class SecretsAtRestTest {

    private static final byte[] PRIVATE_KEY = "-pkcs8-private-key-bytes-".getBytes(StandardCharsets.US_ASCII);

    @RegisterExtension
    static final TestDatabase postgres = new TestDatabase();

    @BeforeEach
    void empty() throws SQLException {
        sql("DELETE FROM signing_key; DELETE FROM notification_endpoint");
    }

    @Test
    void signingKeysAreStoredSealedAndReadBack() throws SQLException {
        PostgresSigningKeyStore store = new PostgresSigningKeyStore(postgres.database());
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        store.add(new SigningKey("kid-1", "ES256", PRIVATE_KEY, new byte[]{1}, now));

        assertThat(dump()).doesNotContain("-pkcs8-private-key-bytes-");
        assertThat(store.since(now.minusSeconds(1))).singleElement()
                .satisfies(key -> assertThat(key.privateKey()).isEqualTo(PRIVATE_KEY));
    }

    @Test
    void webhookHeadersAndSigningKeysAreStoredSealedAndReadBack() throws SQLException {
        PostgresNotificationStore store = new PostgresNotificationStore(postgres.database());
        store.save(endpoint("audit"), false);

        assertThat(dump()).doesNotContain("Bearer top-secret").doesNotContain("hmac-key-0123456789");
        NotificationEndpoint read = store.statuses().getFirst().endpoint();
        assertThat(read.headers()).isEqualTo(Map.of("Authorization", List.of("Bearer top-secret")));
        assertThat(read.signingKey()).contains("hmac-key-0123456789");
    }

    @Test
    void plainSecretsFromAnEarlierVersionAreSealedAtStartOnce() throws SQLException {
        sql("""
                INSERT INTO signing_key (kid, algorithm, private_key, public_key, created_at)
                VALUES ('old', 'ES256', convert_to('-pkcs8-private-key-bytes-', 'UTF8'), '\\x01', now());
                INSERT INTO notification_endpoint (name, url, headers, timeout_ms, threshold, backoff_ms,
                    ignored_media_types, ignored_actions, format, signing_key, disabled, from_configuration)
                VALUES ('old', 'http://127.0.0.1:1/', ARRAY['Authorization: Bearer top-secret'], 1000, 3, 1000,
                    '{}', '{}', 'v2', 'hmac-key-0123456789', false, false)""");

        assertThat(new SealPlainSecrets(postgres.database()).run()).isEqualTo(3);
        assertThat(new SealPlainSecrets(postgres.database()).run()).isZero();

        assertThat(dump()).doesNotContain("-pkcs8-private-key-bytes-").doesNotContain("Bearer top-secret")
                .doesNotContain("hmac-key-0123456789");
        assertThat(new PostgresSigningKeyStore(postgres.database()).since(Instant.EPOCH)).singleElement()
                .satisfies(key -> assertThat(key.privateKey()).isEqualTo(PRIVATE_KEY));
        NotificationEndpoint read = new PostgresNotificationStore(postgres.database()).statuses().getFirst().endpoint();
        assertThat(read.headers().get("Authorization")).containsExactly("Bearer top-secret");
        assertThat(read.signingKey()).contains("hmac-key-0123456789");
    }

    @Test
    void withAnotherKeyASigningKeyIsLeftOutNotHandedOut() {
        Instant now = Instant.now();
        new PostgresSigningKeyStore(postgres.database()).add(new SigningKey("kid-2", "ES256", PRIVATE_KEY, new byte[]{1}, now));

        try (MetadataDatabase elsewhere = postgres.openWith(SecretBox.ofBase64(SecretBox.newKey()))) {
            assertThat(new PostgresSigningKeyStore(elsewhere).since(now.minusSeconds(1))).isEmpty();
        }
    }

    private static NotificationEndpoint endpoint(String name) {
        return new NotificationEndpoint(name, URI.create("http://127.0.0.1:1/" + name),
                Map.of("Authorization", List.of("Bearer top-secret")), Duration.ofSeconds(1), 3, Duration.ofSeconds(2),
                Set.of(), Set.of(), EnvelopeFormat.V2, Optional.of("hmac-key-0123456789"), false);
    }

    /** Both tables as text, the way pg_dump would show them. */
    private static String dump() throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = postgres.database().dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            for (String query : List.of("SELECT encode(private_key, 'escape') FROM signing_key",
                    "SELECT headers::text || ' ' || coalesce(signing_key, '') FROM notification_endpoint")) {
                try (ResultSet rs = statement.executeQuery(query)) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
            }
            connection.commit();
        }
        assertThat(rows).isNotEmpty();
        return String.join("\n", rows);
    }

    private static void sql(String statements) throws SQLException {
        try (Connection connection = postgres.database().dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(statements);
            connection.commit();
        }
    }
}
