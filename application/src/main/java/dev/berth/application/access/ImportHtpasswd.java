package dev.berth.application.access;

import dev.berth.application.port.AuditLog;
import dev.berth.application.port.PasswordHasher;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UserDirectory;
import dev.berth.domain.access.Caller;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.User;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Use case: users from an Apache htpasswd file ({@code name:hash} lines), as Distribution's
 * {@code auth.htpasswd} reads it. Only bcrypt hashes are accepted: the others (MD5 {@code $apr1$},
 * {@code {SHA}}, crypt, plain text) are weak, and one of them refuses the whole file. New users get
 * {@code grants}; existing users keep theirs and take the file's password.
 */
@Dependent
public class ImportHtpasswd {

    public record Result(int created, int updated) {
    }

    private final UserDirectory users;
    private final PasswordHasher hasher;
    private final Transactions transactions;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public ImportHtpasswd(UserDirectory users, PasswordHasher hasher, Transactions transactions, AuditLog audit,
                          Clock clock) {
        this.users = users;
        this.hasher = hasher;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    /** Start-up and command-line imports. */
    public Result importFile(String content, List<Grant> grants, String source) {
        return importFile(Administration.SYSTEM, Administration.LOCAL, content, grants, source);
    }

    /** @throws IllegalArgumentException naming every bad line (nothing is imported then) */
    public Result importFile(Caller actor, String address, String content, List<Grant> grants, String source) {
        Administration.requireAdmin(actor);
        Map<String, String> entries = parse(content, source);
        Result result = transactions.inTransaction(() -> {
            int created = 0;
            int updated = 0;
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                if (users.create(new User(entry.getKey(), true, false), entry.getValue())) {
                    grants.forEach(g -> users.grant(entry.getKey(), g));
                    created++;
                } else {
                    users.setPassword(entry.getKey(), entry.getValue());
                    updated++;
                }
            }
            return new Result(created, updated);
        });
        Administration.audit(audit, clock.instant(), actor, address, "import-htpasswd", source, true,
                result.created() + " created, " + result.updated() + " updated");
        return result;
    }

    private Map<String, String> parse(String content, String source) {
        Map<String, String> entries = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        String[] lines = content.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String where = source + " line " + (i + 1);
            if (colon <= 0) {
                problems.add(where + ": expected name:hash");
                continue;
            }
            String name = line.substring(0, colon);
            String hash = line.substring(colon + 1);
            try {
                User.validateName(name);
            } catch (IllegalArgumentException e) {
                problems.add(where + ": " + e.getMessage());
                continue;
            }
            if (!hasher.supports(hash)) {
                // never quote the hash: it is a secret of sorts
                problems.add(where + " (" + name + "): not a bcrypt hash; MD5 ($apr1$), SHA ({SHA}), crypt and plain"
                        + " text entries are refused, re-create them with htpasswd -B");
                continue;
            }
            if (entries.put(name, hash) != null) {
                problems.add(where + ": user " + name + " appears twice");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return entries;
    }
}
