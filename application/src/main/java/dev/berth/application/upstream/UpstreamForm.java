package dev.berth.application.upstream;

/**
 * What an administrator typed for an upstream, each field as text, checked by the same rules as an
 * entry of the configuration's {@code proxies} list (see {@code deploy/docs/pull-through-cache.md}).
 * An empty password on an edit keeps the stored one.
 */
public record UpstreamForm(String prefix, String remoteUrl, String username, String password, String ttl,
                           String maxSize, String caBundle, String clientCert, String clientKey) {

    public UpstreamForm {
        prefix = trim(prefix);
        remoteUrl = trim(remoteUrl);
        username = trim(username);
        password = password == null ? "" : password;
        ttl = trim(ttl);
        maxSize = trim(maxSize);
        caBundle = trim(caBundle);
        clientCert = trim(clientCert);
        clientKey = trim(clientKey);
    }

    /** The same form with another password (the stored one, kept on an edit). */
    public UpstreamForm withPassword(String kept) {
        return new UpstreamForm(prefix, remoteUrl, username, kept, ttl, maxSize, caBundle, clientCert, clientKey);
    }

    @Override
    public String toString() {
        return "UpstreamForm[" + prefix + " " + remoteUrl + "]";
    }

    private static String trim(String text) {
        return text == null ? "" : text.strip();
    }
}
