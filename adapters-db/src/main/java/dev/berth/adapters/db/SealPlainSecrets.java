package dev.berth.adapters.db;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * At start: seals the secrets an earlier Berth stored in plain text (token signing keys, webhook
 * headers and signing keys), so that an upgraded database holds none in the clear. Rows are locked
 * while sealed: nodes starting together seal each value once.
 */
public final class SealPlainSecrets {

    private final Jpa jpa;
    private final SecretBox secrets;

    public SealPlainSecrets(MetadataDatabase database) {
        this.jpa = database.jpa();
        this.secrets = database.secrets();
    }

    /** @return how many values were sealed (0 once done) */
    public int run() {
        return jpa.jdbc(c -> {
            int sealed = 0;
            try (PreparedStatement keys = c.prepareStatement("SELECT kid, private_key FROM signing_key FOR UPDATE");
                 PreparedStatement update = c.prepareStatement("UPDATE signing_key SET private_key = ? WHERE kid = ?");
                 ResultSet rs = keys.executeQuery()) {
                while (rs.next()) {
                    byte[] stored = rs.getBytes(2);
                    if (!SecretBox.isSealed(stored)) {
                        update.setBytes(1, secrets.seal(stored, PostgresSigningKeyStore.where(rs.getString(1))));
                        update.setString(2, rs.getString(1));
                        sealed += update.executeUpdate();
                    }
                }
            }
            try (PreparedStatement endpoints = c.prepareStatement(
                    "SELECT name, headers, signing_key FROM notification_endpoint FOR UPDATE");
                 PreparedStatement update = c.prepareStatement(
                         "UPDATE notification_endpoint SET headers = ?, signing_key = ? WHERE name = ?");
                 ResultSet rs = endpoints.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    Array array = rs.getArray(2);
                    String[] headers = array == null ? new String[0] : (String[]) array.getArray();
                    String key = rs.getString(3);
                    int before = sealed;
                    for (int i = 0; i < headers.length; i++) {
                        if (!SecretBox.isSealed(headers[i])) {
                            headers[i] = secrets.sealText(headers[i], PostgresNotificationStore.headersWhere(name));
                            sealed++;
                        }
                    }
                    if (key != null && !SecretBox.isSealed(key)) {
                        key = secrets.sealText(key, PostgresNotificationStore.signingKeyWhere(name));
                        sealed++;
                    }
                    if (sealed > before) {
                        update.setArray(1, c.createArrayOf("text", headers));
                        update.setString(2, key);
                        update.setString(3, name);
                        update.executeUpdate();
                    }
                }
            }
            return sealed;
        });
    }
}
