package dev.berth.domain;

import dev.berth.domain.error.NameInvalidException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryNameTest {

    @ParameterizedTest
    @ValueSource(strings = {"ubuntu", "library/ubuntu", "a", "0", "my-org/my-team/my-image", "a.b", "a_b", "a__b",
            "a-b", "a---b", "foo/bar.baz_qux__quux-corge", "9/8/7/6/5/4/3/2/1", "registry.example.com/x"})
    void acceptsTheDistributionGrammar(String name) {
        assertThat(RepositoryName.parse(name)).hasToString(name);
    }

    @Test
    void exposesItsPathComponents() {
        RepositoryName name = RepositoryName.parse("my-org/team/app");

        assertThat(name.components()).containsExactly("my-org", "team", "app");
        assertThat(name.value()).isEqualTo("my-org/team/app");
        assertThat(RepositoryName.parse("ubuntu").components()).containsExactly("ubuntu");
    }

    @Test
    void equalityIsByValue() {
        assertThat(RepositoryName.parse("a/b")).isEqualTo(new RepositoryName("a/b"))
                .isNotEqualTo(RepositoryName.parse("a/c"));
    }

    @Test
    void allows255CharactersButNotMore() {
        String longest = "a".repeat(127) + "/" + "b".repeat(127);

        assertThat(RepositoryName.parse(longest).value()).hasSize(255);
        assertThatThrownBy(() -> RepositoryName.parse(longest + "c"))
                .isInstanceOfSatisfying(NameInvalidException.class, e -> {
                    assertThat(e.code()).isEqualTo("NAME_INVALID");
                    assertThat(e.detail()).isEqualTo("repository name must not exceed 255 characters, got 256");
                });
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""           | repository name must not be empty
            /ubuntu      | empty path component at index 0 of '/ubuntu'
            ubuntu/      | empty path component at index 7 of 'ubuntu/'
            library//x   | empty path component at index 8 of 'library//x'
            ..           | expected a lowercase letter or digit at index 0 of '..', found '.'
            a/../b       | expected a lowercase letter or digit at index 2 of 'a/../b', found '.'
            Ubuntu       | expected a lowercase letter or digit at index 0 of 'Ubuntu', found 'U'
            library/Ubu  | found 'U'
            ubUntu       | expected a lowercase letter or digit at index 2 of 'ubUntu', found 'U'
            -a           | found '-'
            _a           | found '_'
            .a           | found '.'
            a-           | path component must not end with a separator: 'a-'
            a.           | path component must not end with a separator: 'a.'
            a__          | path component must not end with a separator
            a..b         | expected a lowercase letter or digit at index 2 of 'a..b', found '.'
            a___b        | expected a lowercase letter or digit at index 3 of 'a___b', found '_'
            a._b         | expected a lowercase letter or digit at index 2 of 'a._b', found '_'
            a-.b         | expected a lowercase letter or digit at index 2 of 'a-.b', found '.'
            a-/b         | expected a lowercase letter or digit at index 2 of 'a-/b', found '/'
            a b          | found ' '
            a:b          | found ':'
            a@sha256     | found '@'
            "a\\b"       | found '\\'
            café         | found '\\u00e9'
            """)
    void rejectsEverythingElse(String name, String detail) {
        assertThatThrownBy(() -> RepositoryName.parse(name))
                .isInstanceOfSatisfying(NameInvalidException.class, e -> assertThat(e.detail()).contains(detail));
    }

    @Test
    void controlCharactersAreNotEchoedRaw() {
        assertThatThrownBy(() -> RepositoryName.parse("a\nb"))
                .isInstanceOfSatisfying(NameInvalidException.class,
                        e -> assertThat(e.detail()).doesNotContain("\n").contains("\\u000a"));
    }

    @Test
    void adversarialInputIsRejectedQuickly() {
        // Shapes that make a naive regex for [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* backtrack exponentially.
        String tooLong = "a-".repeat(5_000) + "!";
        String withinLimit = "a-a".repeat(84) + "!";
        String dashes = "a" + "-".repeat(253) + "!";

        assertThat(tooLong).hasSize(10_001);
        assertThatThrownBy(() -> RepositoryName.parse(tooLong)).isInstanceOf(NameInvalidException.class);
        assertThatThrownBy(() -> RepositoryName.parse(withinLimit))
                .isInstanceOfSatisfying(NameInvalidException.class, e -> assertThat(e.detail()).contains("found '!'"));
        assertThatThrownBy(() -> RepositoryName.parse(dashes))
                .isInstanceOfSatisfying(NameInvalidException.class, e -> assertThat(e.detail()).contains("found '!'"));
    }

    @Test
    void longRejectedNamesAreNotEchoedInFull() {
        String name = "x".repeat(200) + "/Y";

        assertThatThrownBy(() -> RepositoryName.parse(name))
                .isInstanceOfSatisfying(NameInvalidException.class,
                        e -> assertThat(e.detail()).doesNotContain("x".repeat(100)).contains("(202 characters)"));
    }

    @Test
    void nullIsAProgrammingError() {
        assertThatThrownBy(() -> RepositoryName.parse(null)).isInstanceOf(NullPointerException.class);
    }
}
