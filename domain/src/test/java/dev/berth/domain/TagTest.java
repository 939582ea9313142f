package dev.berth.domain;

import dev.berth.domain.error.TagInvalidException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagTest {

    @ParameterizedTest
    @ValueSource(strings = {"latest", "1.2.3", "v1.0.0-rc.1", "_internal", "UPPER_case", "0", "a..b", "sha256-abc.sig",
            "x--y__z"})
    void acceptsTheTagGrammar(String tag) {
        assertThat(Tag.parse(tag)).hasToString(tag).isEqualTo(new Tag(tag));
    }

    @Test
    void isCaseSensitive() {
        assertThat(Tag.parse("Latest")).isNotEqualTo(Tag.parse("latest"));
    }

    @Test
    void allows128CharactersButNotMore() {
        assertThat(Tag.parse("a".repeat(128)).value()).hasSize(128);
        assertThatThrownBy(() -> Tag.parse("a".repeat(129)))
                .isInstanceOfSatisfying(TagInvalidException.class, e -> {
                    assertThat(e.code()).isEqualTo("TAG_INVALID");
                    assertThat(e.detail()).isEqualTo("tag must not exceed 128 characters, got 129");
                });
    }

    @ParameterizedTest(name = "[{0}]")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""        | tag must not be empty
            .hidden   | tag must start with a letter, digit or underscore: '.hidden'
            -rc1      | tag must start with a letter, digit or underscore
            v1+build  | invalid character '+' at index 2 of tag 'v1+build'
            v1/2      | invalid character '/' at index 2
            v1:2      | invalid character ':' at index 2
            "a b"     | invalid character ' ' at index 1
            été       | tag must start with a letter, digit or underscore
            """)
    void rejectsEverythingElse(String tag, String detail) {
        assertThatThrownBy(() -> Tag.parse(tag))
                .isInstanceOfSatisfying(TagInvalidException.class, e -> assertThat(e.detail()).contains(detail));
    }

    @Test
    void controlCharactersAreEscapedInTheDetail() {
        assertThatThrownBy(() -> Tag.parse("v1\r\nX-Injected: 1"))
                .isInstanceOfSatisfying(TagInvalidException.class,
                        e -> assertThat(e.detail()).startsWith("invalid character '\\u000d' at index 2")
                                .doesNotContain("\r", "\n"));
    }
}
