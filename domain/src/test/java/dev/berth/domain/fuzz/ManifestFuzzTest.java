package dev.berth.domain.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.manifest.ManifestParser;
import dev.berth.domain.manifest.MediaType;

/**
 * Any payload under any manifest type a client may declare: a parsed manifest or
 * {@code MANIFEST_INVALID}, never another exception.
 */
class ManifestFuzzTest {

    private static final MediaType[] TYPES = {MediaType.OCI_MANIFEST_V1, MediaType.OCI_INDEX_V1,
            MediaType.DOCKER_MANIFEST_V2, MediaType.DOCKER_MANIFEST_LIST_V2, MediaType.DOCKER_MANIFEST_V1_SIGNED,
            MediaType.OCI_CONFIG_V1};

    @FuzzTest(maxDuration = "10s")
    void parsesOrRefusesAsManifestInvalid(FuzzedDataProvider data) {
        MediaType declared = data.pickValue(TYPES);
        try {
            ManifestParser.parse(data.consumeRemainingAsBytes(), declared);
        } catch (ManifestInvalidException expected) {
            // what the registry answers with 400 MANIFEST_INVALID
        }
    }
}
