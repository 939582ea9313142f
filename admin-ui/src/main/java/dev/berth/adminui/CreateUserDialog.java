package dev.berth.adminui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import dev.berth.domain.access.User;

import java.util.Optional;
import java.util.function.Consumer;

/** A new user: name, password twice, administrator or not; what is wrong shows at its field. */
final class CreateUserDialog extends Dialog {

    private final TextField name = new TextField("Name");

    /** @param created called with the new user's name */
    CreateUserDialog(UserUseCases uses, Consumer<String> created) {
        setHeaderTitle("Create user");
        name.setId("new-user-name");
        name.setHelperText("Letters, digits and . _ - @ +");
        NewPasswordFields password = new NewPasswordFields("Password", "new-user-password", "new-user-password2");
        Checkbox admin = new Checkbox("Administrator");
        admin.setId("new-user-admin");
        VerticalLayout form = new VerticalLayout(name, password.password(), password.again(), admin);
        form.setPadding(false);
        add(form);
        Button save = new Button("Create", e -> {
            String user = name.getValue().trim();
            if (FieldErrors.at(name, () -> new User(user, true, false)).isEmpty()) {
                return;
            }
            Optional<String> accepted = password.accepted(user);
            if (accepted.isEmpty()) {
                return;
            }
            if (uses.createUser().create(uses.session().caller(), uses.session().address(), user, accepted.get(),
                    admin.getValue())) {
                close();
                Feedback.done("Created " + user);
                created.accept(user);
            } else {
                FieldErrors.show(name, "A user named " + user + " exists already");
            }
        });
        save.setId("new-user-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        getFooter().add(new Button("Cancel", e -> close()), save);
    }

    @Override
    public void open() {
        super.open();
        name.focus();
    }
}
