package dev.berth.adminui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import dev.berth.application.access.CreateRobotToken;
import dev.berth.domain.access.Grant;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/** Makes a robot token for a user (description, scope, expiry), then shows its secret this once. */
final class RobotTokenDialog extends Dialog {

    /** @param reload after the token was made: shows the user anew */
    RobotTokenDialog(UserUseCases uses, String user, Runnable reload) {
        setHeaderTitle("Robot token for " + user);
        TextField description = new TextField("Description");
        description.setId("token-description");
        description.setPlaceholder("GitLab CI of team-a");
        TextField scope = new TextField("Scope");
        scope.setId("token-scope");
        scope.setHelperText("Grants separated by spaces, e.g. ci/*:pull,push; never more than " + user + " may do");
        scope.setWidthFull();
        uses.find(user).ifPresent(e -> scope.setValue(Grant.format(e.grants())));
        DatePicker expires = new DatePicker("Expires on (optional)");
        expires.setId("token-expires");
        expires.setHelperText("At the start of that day, UTC");
        expires.setMin(LocalDate.now(ZoneOffset.UTC).plusDays(1));
        VerticalLayout form = new VerticalLayout(description, scope, expires);
        form.setPadding(false);
        add(form);
        Button save = new Button("Create", e -> {
            Optional<Instant> expiry = Optional.ofNullable(expires.getValue())
                    .map(d -> d.atStartOfDay(ZoneOffset.UTC).toInstant());
            // a grant that does not parse, or a scope the use case refuses: said at the scope
            Optional<CreateRobotToken.Created> made = FieldErrors.at(scope, () -> uses.createToken().create(
                    uses.session().caller(), uses.session().address(), user, description.getValue().trim(),
                    Grant.parseList(scope.getValue()), expiry));
            if (made.isEmpty()) {
                return;
            }
            close();
            Feedback.done("Created the robot token '" + description.getValue().trim() + "'");
            reload.run();
            showSecret(uses.session().registryHost(), user, made.get().secret());
        });
        save.setId("token-create");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        getFooter().add(new Button("Cancel", e -> close()), save);
        setWidth("min(36em, 95vw)");
    }

    /** The secret, this once: Berth keeps only its hash. */
    private static void showSecret(String host, String user, String secret) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Copy the token now");
        dialog.setCloseOnOutsideClick(false);
        TextField value = new TextField("Token");
        value.setId("token-secret");
        value.setValue(secret);
        value.setReadOnly(true);
        value.setWidthFull();
        String hint = "echo \"$TOKEN\" | docker login -u " + user + " --password-stdin " + host;
        dialog.add(new Paragraph("It is shown only this once; Berth keeps only its hash. Use it as the password of "
                        + user + ":"),
                value, Widgets.copyButton("copy-secret", () -> secret),
                Widgets.code(hint, "token-login-hint"),
                new Paragraph("podman, skopeo and buildah take the same: --creds " + user + ":$TOKEN"));
        Button close = new Button("I have copied it", e -> dialog.close());
        close.setId("token-secret-close");
        close.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(close);
        dialog.setWidth("min(40em, 95vw)");
        dialog.open();
    }
}
