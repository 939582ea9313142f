package dev.berth.adapters.http;

import dev.berth.application.port.Referrer;
import dev.berth.application.registry.ListReferrers;
import dev.berth.application.registry.ListRepositories;
import dev.berth.application.registry.ListTags;
import dev.berth.application.registry.Page;
import dev.berth.application.registry.PageRequest;
import dev.berth.application.registry.PullThroughTags;
import dev.berth.application.registry.RegistrySettings;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.PaginationNumberInvalidException;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/** Lists: {@code /v2/<name>/tags/list}, {@code /v2/_catalog}, {@code /v2/<name>/referrers/<digest>}. */
@Dependent
class ListRequests {

    private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";

    private final ListTags listTags;
    private final PullThroughTags pullThroughTags;
    private final ListRepositories listRepositories;
    private final ListReferrers listReferrers;
    private final RegistrySettings settings;

    @Inject
    ListRequests(ListTags listTags, PullThroughTags pullThroughTags, ListRepositories listRepositories, ListReferrers listReferrers,
                 RegistrySettings settings) {
        this.listTags = listTags;
        this.pullThroughTags = pullThroughTags;
        this.listRepositories = listRepositories;
        this.listReferrers = listReferrers;
        this.settings = settings;
    }

    void tags(RepositoryName repository, HttpServletRequest request, HttpServletResponse response, boolean head)
            throws IOException {
        PageRequest pageRequest = pageRequest(request);
        Optional<PullThroughTags.Listed> proxied = pullThroughTags.list(repository, pageRequest);
        proxied.ifPresent(listed -> response.setHeader(ManifestRequests.PROXY_HEADER,
                listed.freshness().name().toLowerCase(Locale.ROOT)));
        Page<Tag> page = proxied.map(PullThroughTags.Listed::page).orElseGet(() -> listTags.list(repository, pageRequest));
        JsonArrayBuilder tags = JsonBuilders.array();
        page.items().forEach(tag -> tags.add(tag.toString()));
        nextLink(request, response, "/v2/" + repository + "/tags/list", page, Tag::toString, "");
        write(response, "application/json", JsonBuilders.object().add("name", repository.toString())
                .add("tags", tags).build().toString(), head);
    }

    void catalog(HttpServletRequest request, HttpServletResponse response, boolean head, Caller caller)
            throws IOException {
        Page<RepositoryName> page = listRepositories.list(pageRequest(request), caller);
        JsonArrayBuilder names = JsonBuilders.array();
        page.items().forEach(name -> names.add(name.toString()));
        nextLink(request, response, "/v2/_catalog", page, RepositoryName::toString, "");
        write(response, "application/json", JsonBuilders.object().add("repositories", names).build().toString(), head);
    }

    /**
     * Paged like tags: at most {@code catalog.maxentries} descriptors, in digest order, and a
     * {@code Link} to the next page that keeps the artifactType filter.
     */
    void referrers(RepositoryName repository, String subject, HttpServletRequest request, HttpServletResponse response,
                   boolean head) throws IOException {
        Digest digest = Digest.parse(subject);
        Optional<String> artifactType = Query.parameter(request, "artifactType").filter(t -> !t.isBlank());
        Page<Referrer> page = listReferrers.list(repository, digest, artifactType, pageRequest(request));
        JsonArrayBuilder manifests = JsonBuilders.array();
        for (Referrer m : page.items()) {
            JsonObjectBuilder descriptor = JsonBuilders.object()
                    .add("mediaType", m.mediaType().toString())
                    .add("digest", m.digest().toString())
                    .add("size", m.size());
            if (m.artifactType() != null) {
                descriptor.add("artifactType", m.artifactType());
            }
            if (!m.annotations().isEmpty()) {
                JsonObjectBuilder annotations = JsonBuilders.object();
                m.annotations().forEach(annotations::add);
                descriptor.add("annotations", annotations);
            }
            manifests.add(descriptor);
        }
        artifactType.ifPresent(t -> response.setHeader("OCI-Filters-Applied", "artifactType"));
        nextLink(request, response, "/v2/" + repository + "/referrers/" + digest, page,
                referrer -> referrer.digest().toString(),
                artifactType.map(t -> "&artifactType=" + Urls.query(t)).orElse(""));
        write(response, OCI_INDEX, JsonBuilders.object().add("schemaVersion", 2).add("mediaType", OCI_INDEX)
                .add("manifests", manifests).build().toString(), head);
    }

    private PageRequest pageRequest(HttpServletRequest request) {
        String n = Query.parameter(request, "n").orElse(null);
        OptionalInt limit = OptionalInt.empty();
        if (n != null && !n.isEmpty()) {
            if (!n.matches("\\d{1,9}")) {
                throw new PaginationNumberInvalidException("n must be a non-negative number");
            }
            limit = OptionalInt.of(Integer.parseInt(n));
        }
        return PageRequest.of(Query.parameter(request, "last"), limit, settings);
    }

    /**
     * {@code Link: <path?last=...&n=...>; rel="next"} while entries remain after this page's last one.
     *
     * @param key     what {@code last} holds for an entry: a tag, a repository name, a referrer's digest
     * @param filters more query parameters the next page keeps, each starting with {@code &}
     */
    private static <T> void nextLink(HttpServletRequest request, HttpServletResponse response, String path,
                                     Page<T> page, Function<T, String> key, String filters) {
        if (page.more() && !page.items().isEmpty()) {
            String next = path + "?last=" + Urls.query(key.apply(page.items().getLast())) + "&n="
                    + page.items().size() + filters;
            response.setHeader("Link", "<" + Urls.location(request, next) + ">; rel=\"next\"");
        }
    }

    private static void write(HttpServletResponse response, String contentType, String json, boolean head)
            throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        response.setStatus(200);
        response.setContentType(contentType);
        response.setContentLength(body.length);
        if (!head) {
            response.getOutputStream().write(body);
        }
    }
}
