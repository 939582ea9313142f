package dev.berth.application.registry;

import dev.berth.application.port.UploadSession;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.io.InputStream;
import java.util.OptionalLong;

/** Use case: append a chunk (PATCH) to an upload; chunks must arrive in order. */
@Dependent
public class AppendBlobChunk {

    private final UploadWriter writer;

    @Inject
    public AppendBlobChunk(UploadWriter writer) {
        this.writer = writer;
    }

    /**
     * @param rangeStart   the chunk's first byte from Content-Range, when the client sent one
     * @param declaredSize the chunk's length from Content-Length or Content-Range, when known
     */
    /** @param user who asks (empty: anonymous); only who started the upload may append */
    public UploadSession append(RepositoryName repository, UploadId upload, String user, OptionalLong rangeStart,
                                OptionalLong declaredSize, InputStream data) {
        return writer.exclusively(upload, () -> writer.append(writer.session(repository, upload, user), rangeStart,
                declaredSize, data));
    }
}
