package dev.berth.domain.access;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordRuleTest {

    @Test
    void theMostCommonPasswordsAreRefusedWhateverTheirCase() {
        for (String common : new String[]{"password", "12345678", "iloveyou", "PassWord", "QWERTYUIOP", "Sunshine"}) {
            assertThatThrownBy(() -> PasswordRule.check("alice", common)).as(common)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("most commonly used");
        }
    }

    @Test
    void theUserNameWithOnlyDigitsOrSymbolsAroundItIsRefused() {
        for (String derived : new String[]{"alice-bob", "Alice-Bob2024", "!!ALICE-BOB!!", "alice-bobalice-bob"}) {
            assertThatThrownBy(() -> PasswordRule.check("alice-bob", derived)).as(derived)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must not be the user name");
        }
        assertThatCode(() -> PasswordRule.check("admin", "admin-harbour-lantern")).doesNotThrowAnyException();
    }

    @Test
    void lengthIsCheckedAsBefore() {
        assertThatThrownBy(() -> PasswordRule.check("alice", "x7#Lq2!"))
                .hasMessage("a password needs 8 characters at least and 72 bytes at most");
        assertThatThrownBy(() -> PasswordRule.check("alice", "é".repeat(37))).hasMessageContaining("72 bytes");
        assertThatCode(() -> PasswordRule.check("alice", "é".repeat(36))).doesNotThrowAnyException();
    }

    @Test
    void anUncommonPasswordPasses() {
        assertThatCode(() -> PasswordRule.check("alice", "velvet-harbour-lantern-42")).doesNotThrowAnyException();
        assertThatCode(() -> PasswordRule.check("alice", "x7#Lq2!m")).doesNotThrowAnyException();
    }
}
