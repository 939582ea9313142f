package dev.berth.adminui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import dev.berth.domain.access.Caller;

import java.util.Optional;

/** An administrator sets a new password for a user, checked at the field like any other. */
final class ResetPasswordDialog extends Dialog {

    ResetPasswordDialog(UserUseCases uses, String user, UserUseCases.Report report) {
        setHeaderTitle("New password for " + user);
        NewPasswordFields password = new NewPasswordFields("New password", "reset-password-1", "reset-password-2");
        VerticalLayout form = new VerticalLayout(password.password(), password.again());
        form.setPadding(false);
        add(form);
        Button save = new Button("Set password", e -> {
            Optional<String> accepted = password.accepted(user);
            if (accepted.isEmpty()) {
                return;
            }
            Caller caller = uses.session().caller();
            boolean done = uses.changePassword().change(caller, uses.session().address(), user, accepted.get());
            if (done && user.equals(caller.name())) {
                uses.session().renew(); // the change ended the user's other sign-ins; this one goes on
            }
            close();
            report.report(done, "Set a new password for " + user);
        });
        save.setId("reset-password-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        getFooter().add(new Button("Cancel", e -> close()), save);
    }
}
