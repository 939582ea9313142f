package dev.berth.application.registry;

import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.Transactions;
import dev.berth.application.usage.QuotaGuard;
import dev.berth.application.port.UploadSession;
import dev.berth.application.port.UploadSessionStore;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;
import dev.berth.domain.error.TooManyRequestsException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Use case: open an upload session for a blob in a repository. */
@Dependent
public class StartBlobUpload {

    /**
     * One user's uploads in progress, each a row and a file: far above what parallel pushes need
     * (docker sends 3 layers at a time, a CI farm some dozens of pushes), far below what fills a disk.
     */
    public static final int MAX_ACTIVE_PER_USER = 1000;
    /** An upload untouched this long no longer counts as in progress (the client gave it up). */
    static final Duration ACTIVE = Duration.ofHours(1);

    private final RepositoryCatalog catalog;
    private final UploadSessionStore sessions;
    private final Transactions transactions;
    private final QuotaGuard quotas;
    private final Clock clock;
    private final MaintenanceMode mode;

    @Inject
    public StartBlobUpload(RepositoryCatalog catalog, UploadSessionStore sessions, Transactions transactions, Clock clock,
                           MaintenanceMode mode, QuotaGuard quotas) {
        this.mode = mode;
        this.quotas = quotas;
        this.catalog = catalog;
        this.sessions = sessions;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * @param user who starts it (empty: anonymous), the only one who may then continue it
     * @throws TooManyRequestsException when the user has {@link #MAX_ACTIVE_PER_USER} uploads in progress
     */
    public UploadSession start(RepositoryName repository, String user) {
        mode.requireWritable();
        Instant now = clock.instant();
        if (!user.isEmpty() && sessions.countActive(user, now.minus(ACTIVE)) >= MAX_ACTIVE_PER_USER) {
            throw new TooManyRequestsException("'" + user + "' has " + MAX_ACTIVE_PER_USER
                    + " uploads in progress already: finish or cancel some first");
        }
        UploadSession session = new UploadSession(UploadId.random(), repository, user, 0, now, now);
        transactions.run(() -> {
            if (!catalog.exists(repository)) {
                quotas.admitRepository(repository);
            }
            catalog.ensure(repository);
            sessions.create(session);
        });
        return session;
    }
}
