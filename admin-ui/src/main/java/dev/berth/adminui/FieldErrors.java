package dev.berth.adminui;

import com.vaadin.flow.component.HasValidation;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * Form errors at the field that is wrong, where the admin is looking, instead of notices that pile
 * up. Forms check a field with the domain's own value types (and the use case's refusals where one
 * field is at fault), so the UI repeats no rule; the error clears as soon as the field is edited.
 */
final class FieldErrors {

    private FieldErrors() {
    }

    /**
     * What {@code work} returns; when it refuses (IllegalArgumentException), its reason under
     * {@code field} and empty.
     */
    static <T> Optional<T> at(HasValidation field, Supplier<T> work) {
        try {
            T value = work.get();
            field.setInvalid(false);
            return Optional.of(value);
        } catch (IllegalArgumentException e) {
            show(field, e.getMessage());
            return Optional.empty();
        }
    }

    static void show(HasValidation field, String message) {
        field.setErrorMessage(message.isEmpty() ? message : Character.toUpperCase(message.charAt(0)) + message.substring(1));
        field.setInvalid(true);
    }

    static void clear(HasValidation... fields) {
        for (HasValidation field : fields) {
            field.setInvalid(false);
        }
    }
}
