package dev.berth.application.registry;

import dev.berth.application.port.RepositoryCatalog;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UploadSession;
import dev.berth.application.port.UploadSessionStore;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;

/** Use case: open an upload session for a blob in a repository. */
@Dependent
public class StartBlobUpload {

    private final RepositoryCatalog catalog;
    private final UploadSessionStore sessions;
    private final Transactions transactions;
    private final Clock clock;

    @Inject
    public StartBlobUpload(RepositoryCatalog catalog, UploadSessionStore sessions, Transactions transactions, Clock clock) {
        this.catalog = catalog;
        this.sessions = sessions;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** @param user who starts it (empty: anonymous), the only one who may then continue it */
    public UploadSession start(RepositoryName repository, String user) {
        Instant now = clock.instant();
        UploadSession session = new UploadSession(UploadId.random(), repository, user, 0, now, now);
        transactions.run(() -> {
            catalog.ensure(repository);
            sessions.create(session);
        });
        return session;
    }
}
