package dev.berth.domain.error;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExcerptTest {

    @Test
    void quotesShortInputAsIs() {
        assertThat(Excerpt.quote("library/ubuntu")).isEqualTo("'library/ubuntu'");
        assertThat(Excerpt.quote("")).isEqualTo("''");
    }

    @Test
    void cutsLongInputAndSaysHowLongItWas() {
        String quoted = Excerpt.quote("a".repeat(10_000));

        assertThat(quoted).isEqualTo("'" + "a".repeat(Excerpt.MAX_CHARS) + "'... (10000 characters)");
    }

    @Test
    void escapesControlAndNonAsciiCharacters() {
        assertThat(Excerpt.quote("v1\nINFO forged")).isEqualTo("'v1\\u000aINFO forged'");
        assertThat(Excerpt.quote("caf\u00e9")).isEqualTo("'caf\\u00e9'");
        assertThat(Excerpt.printable('\u007f')).isEqualTo("\\u007f");
        assertThat(Excerpt.printable('x')).isEqualTo("x");
    }
}
