package dev.berth.adapters.http;

import dev.berth.application.port.StoredManifest;
import dev.berth.application.registry.AcceptedTypes;
import dev.berth.application.registry.DeleteManifest;
import dev.berth.application.registry.GetManifest;
import dev.berth.application.registry.PullThroughManifest;
import dev.berth.application.registry.PushedManifest;
import dev.berth.application.registry.PutManifest;
import dev.berth.application.registry.RegistrySettings;
import dev.berth.domain.Reference;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.ManifestUnknownException;
import dev.berth.domain.error.TagInvalidException;
import dev.berth.domain.manifest.MediaType;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/** {@code PUT|GET|HEAD|DELETE /v2/<name>/manifests/<tag|digest>}. */
@Dependent
class ManifestRequests {

    /** On manifests of a proxied namespace: hit, miss or stale. */
    static final String PROXY_HEADER = "Berth-Proxy";

    private final PutManifest putManifest;
    private final GetManifest getManifest;
    private final DeleteManifest deleteManifest;
    private final RegistrySettings settings;
    private final PullThroughManifest pullThrough;

    @Inject
    ManifestRequests(PutManifest putManifest, GetManifest getManifest, DeleteManifest deleteManifest,
                     RegistrySettings settings, PullThroughManifest pullThrough) {
        this.pullThrough = pullThrough;
        this.putManifest = putManifest;
        this.getManifest = getManifest;
        this.deleteManifest = deleteManifest;
        this.settings = settings;
    }

    void put(RepositoryName repository, String reference, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Reference ref = Reference.parse(reference);
        String contentType = request.getContentType();
        boolean untyped = contentType == null || contentType.isBlank();
        if (untyped && !settings.schemaOneEnabled()) {
            throw new ManifestInvalidException("Content-Type must name the manifest's media type");
        }
        // Docker 1.6 to 1.9 push signed schema 1 without a Content-Type; Distribution reads it as such
        MediaType mediaType = untyped ? MediaType.DOCKER_MANIFEST_V1_SIGNED : MediaType.parseContentType(contentType);
        byte[] payload = readBounded(request, response);
        if (payload == null) {
            return;
        }
        PushedManifest pushed = putManifest.put(repository, ref, mediaType, payload);
        response.setStatus(201);
        response.setHeader("Location", Urls.location(request, "/v2/" + repository + "/manifests/" + pushed.digest()));
        response.setHeader("Docker-Content-Digest", pushed.digest().toString());
        pushed.subject().ifPresent(subject -> response.setHeader("OCI-Subject", subject.toString()));
        response.setContentLength(0);
    }

    void get(RepositoryName repository, String reference, HttpServletRequest request, HttpServletResponse response,
             boolean head) throws IOException {
        Reference ref = readable(reference);
        PullThroughManifest.Freshness freshness = pullThrough.refresh(repository, ref);
        if (freshness != PullThroughManifest.Freshness.LOCAL) {
            // says where the answer came from; "stale": the upstream could not confirm the cached tag
            response.setHeader(PROXY_HEADER, freshness.name().toLowerCase(java.util.Locale.ROOT));
        }
        StoredManifest manifest = head ? getManifest.get(repository, ref, accepted(request))
                : getManifest.pull(repository, ref, accepted(request));
        response.setStatus(200);
        response.setContentType(manifest.mediaType().toString());
        response.setContentLength(manifest.payload().length);
        response.setHeader("Docker-Content-Digest", manifest.digest().toString());
        response.setHeader("ETag", "\"" + manifest.digest() + "\"");
        if (!head) {
            response.getOutputStream().write(manifest.payload());
        }
    }

    /**
     * A reading request's reference: one that is no valid tag or digest names no manifest, and gets
     * 404 MANIFEST_UNKNOWN as from Distribution (whose routes do not match it); a push keeps 400.
     */
    private static Reference readable(String reference) {
        try {
            return Reference.parse(reference);
        } catch (TagInvalidException | DigestInvalidException e) {
            throw new ManifestUnknownException("not a valid tag or digest");
        }
    }

    void delete(RepositoryName repository, String reference, HttpServletResponse response) {
        deleteManifest.delete(repository, Reference.parse(reference));
        response.setStatus(202);
        response.setContentLength(0);
    }

    /**
     * The body, read no further than the manifest limit. Too large: 413 with MANIFEST_INVALID and
     * the connection closed rather than drained.
     *
     * @return null when the response was already sent
     */
    private byte[] readBounded(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int limit = settings.maxManifestBytes();
        if (request.getContentLengthLong() > limit) {
            tooLarge(response, limit);
            return null;
        }
        try (InputStream in = request.getInputStream()) {
            byte[] payload = in.readNBytes(limit + 1);
            if (payload.length > limit) {
                tooLarge(response, limit);
                return null;
            }
            return payload;
        }
    }

    private static void tooLarge(HttpServletResponse response, int limit) throws IOException {
        response.setHeader("Connection", "close");
        ManifestInvalidException error = new ManifestInvalidException("manifest larger than " + limit + " bytes");
        RegistryErrors.send(response, 413, error.code(), error.getMessage(), error.detail(), false);
    }

    /**
     * The media types of all Accept headers; none listed and no wildcard when there is no Accept
     * header, which is how Docker 1.6 to 1.9 ask (and get schema 1).
     */
    private static AcceptedTypes accepted(HttpServletRequest request) {
        Set<MediaType> types = new LinkedHashSet<>();
        for (String header : Collections.list(request.getHeaders("Accept"))) {
            for (String item : header.split(",")) {
                String type = item.split(";", 2)[0].trim();
                if (type.equals("*/*")) {
                    return AcceptedTypes.anything();
                }
                try {
                    types.add(MediaType.parse(type));
                } catch (RuntimeException ignored) {
                    // a malformed Accept entry accepts nothing
                }
            }
        }
        return new AcceptedTypes(types, false);
    }
}
