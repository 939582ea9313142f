package dev.berth.domain.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.ManifestUnverifiedException;
import dev.berth.domain.error.NameInvalidException;
import dev.berth.domain.manifest.ManifestParser;
import dev.berth.domain.manifest.MediaType;

/**
 * Any payload under any manifest type a client may declare: a parsed manifest or
 * {@code MANIFEST_INVALID}, never another exception; schema 1 may also answer
 * {@code MANIFEST_UNVERIFIED} (a signature) or {@code NAME_INVALID} (its name), as Distribution.
 */
class ManifestFuzzTest {

    private static final MediaType[] TYPES = {MediaType.OCI_MANIFEST_V1, MediaType.OCI_INDEX_V1,
            MediaType.DOCKER_MANIFEST_V2, MediaType.DOCKER_MANIFEST_LIST_V2, MediaType.DOCKER_MANIFEST_V1_SIGNED,
            MediaType.DOCKER_MANIFEST_V1, MediaType.OCI_CONFIG_V1};

    @FuzzTest(maxDuration = "10s")
    void parsesOrRefusesAsManifestInvalid(FuzzedDataProvider data) {
        MediaType declared = data.pickValue(TYPES);
        try {
            ManifestParser.parse(data.consumeRemainingAsBytes(), declared);
        } catch (ManifestInvalidException | ManifestUnverifiedException | NameInvalidException expected) {
            // what the registry answers with 400 MANIFEST_INVALID, MANIFEST_UNVERIFIED or NAME_INVALID
        }
    }
}
