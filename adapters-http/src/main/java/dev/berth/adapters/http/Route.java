package dev.berth.adapters.http;

import dev.berth.domain.RepositoryName;
import dev.berth.domain.error.NameInvalidException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a /v2 request goes. Repository names contain slashes, so the path is matched from its end:
 * the longest name followed by one of the API's fixed suffixes.
 */
record Route(Kind kind, RepositoryName repository, String argument) {

    enum Kind { BASE, CATALOG, TAGS, MANIFEST, UPLOADS, UPLOAD, BLOB, REFERRERS, UNKNOWN }

    /** Longer than any valid request: a 255-character name plus a sha512 digest and a suffix. */
    private static final int MAX_PATH = 512;
    private static final Pattern PATH = Pattern.compile(
            "^/(.+)/(?:(tags)/list|(manifests)/([^/]+)|blobs/(uploads)/?([^/]*)|(blobs)/([^/]+)|(referrers)/([^/]+))$");

    static Route of(String pathInfo) {
        if (pathInfo == null || pathInfo.equals("/")) {
            return new Route(Kind.BASE, null, null);
        }
        if (pathInfo.equals("/_catalog")) {
            return new Route(Kind.CATALOG, null, null);
        }
        if (pathInfo.length() > MAX_PATH) {
            throw new NameInvalidException("request path longer than " + MAX_PATH + " characters");
        }
        Matcher m = PATH.matcher(pathInfo);
        if (!m.matches()) {
            return new Route(Kind.UNKNOWN, null, null);
        }
        RepositoryName name = RepositoryName.parse(m.group(1));
        if (m.group(2) != null) {
            return new Route(Kind.TAGS, name, null);
        }
        if (m.group(3) != null) {
            return new Route(Kind.MANIFEST, name, m.group(4));
        }
        if (m.group(5) != null) {
            return m.group(6).isEmpty() ? new Route(Kind.UPLOADS, name, null) : new Route(Kind.UPLOAD, name, m.group(6));
        }
        if (m.group(7) != null) {
            return new Route(Kind.BLOB, name, m.group(8));
        }
        return new Route(Kind.REFERRERS, name, m.group(10));
    }
}
