package dev.berth.adminui;

import com.vaadin.flow.component.textfield.PasswordField;
import dev.berth.domain.access.PasswordRule;

import java.util.Optional;

/**
 * A new password typed twice, checked against the {@link PasswordRule} before it is sent: what is
 * wrong shows at the field, not as a notice that vanishes. The use case checks again.
 */
final class NewPasswordFields {

    private final PasswordField password;
    private final PasswordField again;

    NewPasswordFields(String label, String id, String againId) {
        password = new PasswordField(label);
        password.setId(id);
        password.setHelperText(PasswordRule.MIN_LENGTH + " characters at least; not a common password, not the user name");
        password.setWidthFull();
        again = new PasswordField(label + " again");
        again.setId(againId);
        again.setWidthFull();
    }

    PasswordField password() {
        return password;
    }

    PasswordField again() {
        return again;
    }

    /** @return the password when both fields agree and the rule accepts it for {@code userName}; else empty, marked at the field */
    Optional<String> accepted(String userName) {
        FieldErrors.clear(password, again);
        if (FieldErrors.at(password, () -> {
            PasswordRule.check(userName, password.getValue());
            return password.getValue();
        }).isEmpty()) {
            return Optional.empty();
        }
        if (!password.getValue().equals(again.getValue())) {
            FieldErrors.show(again, "The two passwords differ");
            return Optional.empty();
        }
        return Optional.of(password.getValue());
    }
}
