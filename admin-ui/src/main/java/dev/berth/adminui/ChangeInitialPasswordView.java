package dev.berth.adminui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.access.ChangePassword;
import dev.berth.domain.access.Caller;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * The first sign-in with the password Berth generated: the admin chooses their own before anything
 * else opens ({@link AccessControl} sends every page here until then). Setting it removes the file the
 * generated password was handed over in.
 */
@Route("change-password")
@PageTitle("Berth · Choose a password")
public class ChangeInitialPasswordView extends VerticalLayout {

    @Inject
    public ChangeInitialPasswordView(AdminSession session, ChangePassword changePassword) {
        setSizeFull();
        setAlignItems(FlexComponent.Alignment.CENTER);
        setJustifyContentMode(FlexComponent.JustifyContentMode.CENTER);
        Caller caller = session.caller();
        NewPasswordFields password = new NewPasswordFields("New password", "initial-password-1", "initial-password-2");
        Button save = new Button("Set password and continue", e -> {
            Optional<String> accepted = password.accepted(caller.name());
            if (accepted.isPresent()) {
                changePassword.change(session.caller(), session.address(), caller.name(), accepted.get());
                session.renew(); // the change ended sign-ins made with the old password, this one too
                Feedback.done("Password set; the file with the generated one is removed");
                UI.getCurrent().navigate("");
            }
        });
        save.setId("initial-password-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickShortcut(com.vaadin.flow.component.Key.ENTER);
        VerticalLayout form = new VerticalLayout(new H2("Choose your own password"),
                new Paragraph("You signed in as " + caller.name() + " with the password Berth generated on its first"
                        + " start. Choose your own: it replaces the generated one for the admin UI and docker login."),
                password.password(), password.again(), save);
        form.setMaxWidth("28em");
        form.setPadding(false);
        add(form);
    }
}
