package dev.berth.application.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.application.access.ImportHtpasswd;
import dev.berth.application.fake.InMemoryMetadata;
import dev.berth.application.fake.InMemoryUsers;
import dev.berth.application.fake.PlainPasswordHasher;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.User;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Any htpasswd file: imported whole, or refused whole with an IllegalArgumentException naming the
 * file's lines (what the operator reads), never another exception. What was imported, written back
 * as an htpasswd file, imports to the same users and hashes.
 */
class HtpasswdFuzzTest {

    private static final String SOURCE = "users.htpasswd";
    private static final List<Grant> GRANTS = List.of(Grant.parse("*:pull"));

    @FuzzTest(maxDuration = "10s")
    void importsOrRefusesWholeAndRoundTrips(FuzzedDataProvider data) {
        String content = data.consumeRemainingAsString();
        InMemoryUsers users = new InMemoryUsers();
        ImportHtpasswd.Result result;
        try {
            result = importer(users).importFile(content, GRANTS, SOURCE);
        } catch (IllegalArgumentException refused) {
            if (!refused.getMessage().startsWith(SOURCE + " line ") || !users.isEmpty()) {
                throw new AssertionError("refused without naming the line, or imported in part: " + refused.getMessage());
            }
            return;
        }
        Map<String, String> imported = hashes(users);
        // every line but blank ones and comments is a user: none may be dropped silently
        long lines = Arrays.stream(content.split("\r?\n")).map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).count();
        if (result.updated() != 0 || result.created() != imported.size() || imported.size() != lines) {
            throw new AssertionError(result + " for " + imported.keySet() + " from " + lines + " lines");
        }
        StringBuilder printed = new StringBuilder();
        imported.forEach((name, hash) -> printed.append(name).append(':').append(hash).append('\n'));
        InMemoryUsers again = new InMemoryUsers();
        importer(again).importFile(printed.toString(), GRANTS, SOURCE);
        if (!hashes(again).equals(imported)) {
            throw new AssertionError("users " + imported.keySet() + " do not survive writing back: " + printed);
        }
    }

    private static ImportHtpasswd importer(InMemoryUsers users) {
        return new ImportHtpasswd(users, new PlainPasswordHasher(), new InMemoryMetadata(), users, Clock.systemUTC());
    }

    private static Map<String, String> hashes(InMemoryUsers users) {
        Map<String, String> hashes = new TreeMap<>();
        for (User user : users.list()) {
            hashes.put(user.name(), users.find(user.name()).map(UserDirectory.StoredUser::passwordHash).orElseThrow());
        }
        return hashes;
    }
}
