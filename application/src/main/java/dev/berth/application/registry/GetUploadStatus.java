package dev.berth.application.registry;

import dev.berth.application.port.UploadSession;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Use case: how far an upload got, so that a client can resume it. */
@Dependent
public class GetUploadStatus {

    private final UploadWriter writer;

    @Inject
    public GetUploadStatus(UploadWriter writer) {
        this.writer = writer;
    }

    /** @param user who asks (empty: anonymous); only who started the upload may see it */
    public UploadSession status(RepositoryName repository, UploadId upload, String user) {
        return writer.session(repository, upload, user);
    }
}
