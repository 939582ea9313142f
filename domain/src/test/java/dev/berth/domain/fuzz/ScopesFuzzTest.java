package dev.berth.domain.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.berth.domain.access.Scope;

import java.util.List;

/**
 * A token request's {@code scope} parameter: malformed entries are skipped, never refused with an
 * exception (the token endpoint would answer 500); what parses has a type, a name and actions, and
 * prints back (as the token response's {@code scope}) to a text that parses to the same scopes.
 */
class ScopesFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void parsesAndRoundTrips(FuzzedDataProvider data) {
        String text = data.consumeRemainingAsString();
        List<Scope> scopes = Scope.parseList(text);
        for (Scope scope : scopes) {
            if (scope.type().isEmpty() || scope.name().isEmpty() || scope.actions().isEmpty()) {
                throw new AssertionError("scope " + scope + " from " + text + " lacks a part");
            }
        }
        String printed = String.join(" ", scopes.stream().map(Scope::toString).toList());
        if (!Scope.parseList(printed).equals(scopes)) {
            throw new AssertionError("scopes " + scopes + " do not survive printing: " + printed);
        }
    }
}
