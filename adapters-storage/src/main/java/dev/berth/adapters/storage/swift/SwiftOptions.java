package dev.berth.adapters.storage.swift;

import java.net.URI;

/**
 * The Swift driver's settings, named as Distribution's {@code storage.swift} options. Empty strings
 * mean "not set". The password and the TempURL key are never part of {@link #toString()}.
 *
 * @param authVersion 1 (tempauth, swauth) or 3 (Keystone v3)
 * @param endpointType which catalog endpoint Keystone's token names: public, internal or admin
 * @param chunkSize largest segment a single write stores; larger writes become several segments
 * @param prefix key prefix inside the container, normalized by {@code KeyLayout.normalizePrefix}
 * @param secretKey the TempURL key that signs direct URLs; empty for no direct URLs
 * @param tempUrlContainerKey set the key on the container rather than the account
 */
public record SwiftOptions(URI authUrl, int authVersion, String username, String password, String container,
                           String region, String tenant, String tenantId, String domain, String domainId,
                           String tenantDomain, String tenantDomainId, String trustId, String endpointType,
                           boolean insecureSkipVerify, long chunkSize, String prefix, String secretKey,
                           boolean tempUrlContainerKey) {

    @Override
    public String toString() {
        return "swift container " + container + (prefix.isEmpty() ? "" : "/" + prefix) + " at " + authUrl
                + " (auth v" + authVersion + ", user " + username + ")";
    }
}
