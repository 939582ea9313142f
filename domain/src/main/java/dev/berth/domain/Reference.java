package dev.berth.domain;

import java.util.Objects;

/** What a manifest is addressed by in {@code /v2/<name>/manifests/<reference>}: a tag or a digest. */
public sealed interface Reference permits Tag, Digest {

    /**
     * A string with a colon can only be meant as a digest (tags cannot contain one), anything else
     * only as a tag; each is then held to its own grammar.
     *
     * @throws dev.berth.domain.error.DigestInvalidException when it has a colon and is no valid digest
     * @throws dev.berth.domain.error.TagInvalidException    when it has no colon and is no valid tag
     */
    static Reference parse(String reference) {
        Objects.requireNonNull(reference, "reference");
        return reference.indexOf(':') >= 0 ? Digest.parse(reference) : Tag.parse(reference);
    }
}
