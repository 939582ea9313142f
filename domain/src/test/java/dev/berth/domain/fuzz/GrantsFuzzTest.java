package dev.berth.domain.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.domain.access.Grant;

import java.util.List;

/**
 * Grant lists (configuration, the admin UI, robot scopes): parsed or refused with
 * IllegalArgumentException naming the grant; what parses formats back to grants that parse the same.
 */
class GrantsFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsesOrRefusesAndRoundTrips(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        List<Grant> grants;
        try {
            grants = Grant.parseList(text);
        } catch (IllegalArgumentException expected) {
            return;
        }
        if (!Grant.parseList(Grant.format(grants)).equals(grants)) {
            throw new AssertionError("grants do not survive formatting: " + text);
        }
    }
}
