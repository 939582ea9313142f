package dev.berth.adapters.http;

import dev.berth.application.port.UploadSession;
import dev.berth.application.registry.AppendBlobChunk;
import dev.berth.application.registry.CancelBlobUpload;
import dev.berth.application.registry.CompleteBlobUpload;
import dev.berth.application.registry.GetUploadStatus;
import dev.berth.application.registry.MountBlob;
import dev.berth.application.registry.StartBlobUpload;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.UploadId;
import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.RangeInvalidException;
import dev.berth.domain.error.RegistryException;
import dev.berth.domain.error.SizeInvalidException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Blob uploads: {@code POST /v2/<name>/blobs/uploads/} (start, monolithic with ?digest=, or mount),
 * then {@code PATCH|PUT|GET|DELETE /v2/<name>/blobs/uploads/<uuid>}.
 */
@Dependent
class UploadRequests {

    private final StartBlobUpload startUpload;
    private final AppendBlobChunk appendChunk;
    private final CompleteBlobUpload completeUpload;
    private final GetUploadStatus uploadStatus;
    private final CancelBlobUpload cancelUpload;
    private final MountBlob mountBlob;

    @Inject
    UploadRequests(StartBlobUpload startUpload, AppendBlobChunk appendChunk, CompleteBlobUpload completeUpload,
                   GetUploadStatus uploadStatus, CancelBlobUpload cancelUpload, MountBlob mountBlob) {
        this.startUpload = startUpload;
        this.appendChunk = appendChunk;
        this.completeUpload = completeUpload;
        this.uploadStatus = uploadStatus;
        this.cancelUpload = cancelUpload;
        this.mountBlob = mountBlob;
    }

    /**
     * @param mayMountFrom whether the caller may mount from that repository (or from anywhere, when
     *                     empty); when not, the request starts a normal upload, as Distribution does
     */
    void post(RepositoryName repository, String user, HttpServletRequest request, HttpServletResponse response,
              Predicate<Optional<RepositoryName>> mayMountFrom) throws IOException {
        String mount = Query.parameter(request, "mount").orElse(null);
        if (mount != null) {
            Digest digest = Digest.parse(mount);
            Optional<RepositoryName> from = Query.parameter(request, "from").map(RepositoryName::parse);
            if (mayMountFrom.test(from) && mountBlob.mount(repository, digest, from).isPresent()) {
                created(repository, digest, request, response);
                return;
            }
        }
        UploadSession session = startUpload.start(repository, user);
        String digestParameter = Query.parameter(request, "digest").orElse(null);
        if (digestParameter != null) {
            try {
                Digest digest = Digest.parse(digestParameter);
                completeUpload.complete(repository, session.id(), user, digest, OptionalLong.empty(),
                        declaredLength(request), request.getInputStream());
                created(repository, digest, request, response);
                return;
            } catch (RuntimeException | IOException e) {
                // the client never learned this upload's location: nobody could resume or cancel it
                cancelQuietly(repository, session.id(), user);
                throw e;
            }
        }
        progress(session, request, response, 202);
    }

    void patch(RepositoryName repository, String uploadId, String user, HttpServletRequest request,
               HttpServletResponse response) throws IOException {
        UploadId upload = UploadId.parse(uploadId);
        Optional<ByteRange> range = ByteRange.parseContentRange(request.getHeader("Content-Range"));
        OptionalLong declared = declaredLength(request);
        if (range.isPresent() && declared.isPresent() && declared.getAsLong() != range.get().length()) {
            throw new SizeInvalidException("Content-Length " + declared.getAsLong() + " does not match Content-Range");
        }
        OptionalLong size = range.isPresent() ? OptionalLong.of(range.get().length()) : declared;
        OptionalLong start = range.isPresent() ? OptionalLong.of(range.get().first()) : OptionalLong.empty();
        try {
            UploadSession session = appendChunk.append(repository, upload, user, start, size, request.getInputStream());
            progress(session, request, response, 202);
        } catch (RangeInvalidException e) {
            throw withUploadState(repository, upload, user, request, response, e);
        }
    }

    void put(RepositoryName repository, String uploadId, String user, HttpServletRequest request,
             HttpServletResponse response) throws IOException {
        UploadId upload = UploadId.parse(uploadId);
        String digestParameter = Query.parameter(request, "digest").orElse(null);
        if (digestParameter == null) {
            throw new DigestInvalidException("the digest query parameter is required to finish an upload");
        }
        Digest digest = Digest.parse(digestParameter);
        Optional<ByteRange> range = ByteRange.parseContentRange(request.getHeader("Content-Range"));
        OptionalLong declared = range.isPresent() ? OptionalLong.of(range.get().length()) : declaredLength(request);
        OptionalLong start = range.isPresent() ? OptionalLong.of(range.get().first()) : OptionalLong.empty();
        try {
            completeUpload.complete(repository, upload, user, digest, start, declared, request.getInputStream());
        } catch (RangeInvalidException e) {
            throw withUploadState(repository, upload, user, request, response, e);
        }
        created(repository, digest, request, response);
    }

    void status(RepositoryName repository, String uploadId, String user, HttpServletRequest request,
                HttpServletResponse response) {
        progress(uploadStatus.status(repository, UploadId.parse(uploadId), user), request, response, 204);
    }

    void cancel(RepositoryName repository, String uploadId, String user, HttpServletResponse response) {
        cancelUpload.cancel(repository, UploadId.parse(uploadId), user);
        response.setStatus(204);
        response.setContentLength(0);
    }

    private void cancelQuietly(RepositoryName repository, UploadId upload, String user) {
        try {
            cancelUpload.cancel(repository, upload, user);
        } catch (RegistryException alreadyGone) {
            // a digest mismatch discards the upload itself
        }
    }

    private static void created(RepositoryName repository, Digest digest, HttpServletRequest request,
                                HttpServletResponse response) {
        response.setStatus(201);
        response.setHeader("Location", Urls.location(request, "/v2/" + repository + "/blobs/" + digest));
        response.setHeader("Docker-Content-Digest", digest.toString());
        response.setContentLength(0);
    }

    private static void progress(UploadSession session, HttpServletRequest request, HttpServletResponse response,
                                 int status) {
        response.setStatus(status);
        uploadState(session, request, response);
        response.setContentLength(0);
    }

    /** Where the upload is and how far it got, so that the client can continue or resume it. */
    private static void uploadState(UploadSession session, HttpServletRequest request, HttpServletResponse response) {
        response.setHeader("Location", Urls.location(request, "/v2/" + session.repository() + "/blobs/uploads/" + session.id()));
        response.setHeader("Docker-Upload-UUID", session.id().toString());
        response.setHeader("Range", "0-" + Math.max(0, session.offset() - 1));
    }

    /** A 416 tells the client where the upload stands, so that it can resume from there. */
    private RegistryException withUploadState(RepositoryName repository, UploadId upload, String user,
                                              HttpServletRequest request, HttpServletResponse response,
                                              RangeInvalidException e) {
        try {
            uploadState(uploadStatus.status(repository, upload, user), request, response);
        } catch (RegistryException gone) {
            return gone;
        }
        return e;
    }

    /** Content-Length when the client sent one (chunked transfers have none). */
    private static OptionalLong declaredLength(HttpServletRequest request) {
        long length = request.getContentLengthLong();
        return length >= 0 ? OptionalLong.of(length) : OptionalLong.empty();
    }
}
