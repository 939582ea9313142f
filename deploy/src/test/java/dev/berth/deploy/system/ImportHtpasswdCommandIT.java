package dev.berth.deploy.system;

import dev.berth.adapters.http.security.BcryptPasswordHasher;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static dev.berth.deploy.system.AuthBerth.basic;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code java -jar berth.jar users import-htpasswd FILE}: a file with a weak entry is refused whole
 * (exit 1, naming the line and the user, never the hash), a bcrypt file is imported (exit 0), and
 * Berth, started afterwards on the same data directory, lets the imported users log in.
 */
class ImportHtpasswdCommandIT {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);
    private static final String SHA_HASH = "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=";
    private static final String APR1_HASH = "$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/";

    @Test
    void weakEntriesRefuseTheFileWholeAndBcryptEntriesLogInAfterTheImport() throws Exception {
        Path work = Path.of("target", "import-htpasswd-command").toAbsolutePath();
        WorkDirectories.deleteQuietly(work);
        Files.createDirectories(work);
        BcryptPasswordHasher hasher = new BcryptPasswordHasher(5);
        Map<String, String> env = Map.of("REGISTRY_AUTH", "htpasswd", "BERTH_ADMIN_PASSWORD", AuthBerth.ADMIN_PASSWORD);

        // no file named: a usage error before anything boots
        try (BerthProcess usage = BerthProcess.start(work, BerthProcess.freePort(), env, "users", "import-htpasswd")) {
            assertThat(usage.awaitExit(Duration.ofMinutes(1))).as(usage.output()).isEqualTo(2);
            assertThat(usage.output()).contains("users import-htpasswd FILE");
        }

        Path weak = Files.writeString(work.resolve("weak.htpasswd"), "zed:" + hasher.hash("zed-password") + "\n"
                + "bob:" + SHA_HASH + "\n"
                + "carol:" + APR1_HASH + "\n");
        try (BerthProcess refused = BerthProcess.start(work, BerthProcess.freePort(), env,
                "users", "import-htpasswd", weak.toString())) {
            assertThat(refused.awaitExit(COMMAND_TIMEOUT)).as(refused.output()).isEqualTo(1);
            assertThat(refused.output()).contains("berth: htpasswd file refused: ")
                    .contains(weak + " line 2 (bob): not a bcrypt hash")
                    .contains(weak + " line 3 (carol): not a bcrypt hash")
                    .doesNotContain(SHA_HASH).doesNotContain(APR1_HASH);
        }

        Path good = Files.writeString(work.resolve("good.htpasswd"), "# from registry:2\n"
                + "alice:" + hasher.hash("alice-password") + "\n"
                + "dave:" + hasher.hash("dave-password") + "\n");
        try (BerthProcess imported = BerthProcess.start(work, BerthProcess.freePort(), env,
                "users", "import-htpasswd", good.toString())) {
            assertThat(imported.awaitExit(COMMAND_TIMEOUT)).as(imported.output()).isZero();
            assertThat(imported.output()).contains("berth: imported " + good + ": 2 users created, 0 updated");
        }

        try (BerthProcess berth = BerthProcess.start(work, BerthProcess.freePort(), env)) {
            AuthBerth.awaitUp(berth);
            RegistryClient registry = new RegistryClient(berth);
            assertThat(registry.get("/v2/", basic("alice", "alice-password")).statusCode()).isEqualTo(200);
            assertThat(registry.get("/v2/", basic("dave", "dave-password")).statusCode()).isEqualTo(200);
            assertThat(registry.get("/v2/", basic("alice", "wrong-password")).statusCode()).isEqualTo(401);
            // nothing of the refused file, not even its bcrypt entry
            assertThat(registry.get("/v2/", basic("zed", "zed-password")).statusCode()).isEqualTo(401);
            berth.stop();
        }
    }
}
