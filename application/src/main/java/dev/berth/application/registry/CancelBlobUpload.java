package dev.berth.application.registry;

import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Use case: abandon an upload; its bytes go with it. */
@Dependent
public class CancelBlobUpload {

    private final UploadWriter writer;

    @Inject
    public CancelBlobUpload(UploadWriter writer) {
        this.writer = writer;
    }

    /** @param user who asks (empty: anonymous); only who started the upload may cancel it */
    public void cancel(RepositoryName repository, UploadId upload, String user) {
        writer.exclusively(upload, () -> {
            writer.discard(writer.session(repository, upload, user).id());
            return null;
        });
    }
}
