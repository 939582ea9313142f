package dev.berth.domain.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.NameInvalidException;
import dev.berth.domain.error.TagInvalidException;
import dev.berth.domain.manifest.MediaType;

/**
 * What a URL or a header names — repository names, tags, digests, media types — parses or is
 * refused with the domain's error for it, never anything else; what parses prints back the same.
 */
class NamesFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsesOrRefusesWithTheDomainsError(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        try {
            if (!RepositoryName.parse(text).value().equals(text)) {
                throw new AssertionError("a repository name does not print back as given: " + text);
            }
        } catch (NameInvalidException expected) {
            // 400 NAME_INVALID
        }
        try {
            if (!Tag.parse(text).value().equals(text)) {
                throw new AssertionError("a tag does not print back as given: " + text);
            }
        } catch (TagInvalidException expected) {
            // 400 TAG_INVALID
        }
        try {
            if (!Digest.parse(text).toString().equals(text)) {
                throw new AssertionError("a digest does not print back as given: " + text);
            }
        } catch (DigestInvalidException expected) {
            // 400 DIGEST_INVALID
        }
        try {
            MediaType.parseContentType(text);
        } catch (ManifestInvalidException expected) {
            // an unusable Content-Type: 400 MANIFEST_INVALID
        }
    }
}
