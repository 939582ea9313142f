package dev.berth.domain;

import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.TagInvalidException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReferenceTest {

    @Test
    void withoutAColonItIsATag() {
        assertThat(Reference.parse("latest")).isEqualTo(new Tag("latest"));
    }

    @Test
    void withAColonItIsADigest() {
        assertThat(Reference.parse(Digest.EMPTY_BLOB.toString())).isEqualTo(Digest.EMPTY_BLOB);
    }

    @Test
    void aColonThatIsNoDigestIsAnInvalidDigest() {
        assertThatThrownBy(() -> Reference.parse("v1:2")).isInstanceOf(DigestInvalidException.class);
        assertThatThrownBy(() -> Reference.parse("sha256:abc")).isInstanceOf(DigestInvalidException.class);
    }

    @Test
    void noColonAndNoTagIsAnInvalidTag() {
        assertThatThrownBy(() -> Reference.parse("-bad")).isInstanceOf(TagInvalidException.class);
        assertThatThrownBy(() -> Reference.parse("")).isInstanceOf(TagInvalidException.class);
    }

    @Test
    void callersCanSwitchExhaustively() {
        Reference reference = Reference.parse("1.0");

        String description = switch (reference) {
            case Tag tag -> "tag " + tag;
            case Digest digest -> "digest " + digest;
        };

        assertThat(description).isEqualTo("tag 1.0");
    }
}
