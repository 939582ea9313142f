package dev.berth.adminui;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import dev.berth.application.access.ListUsers;
import dev.berth.domain.access.User;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The detail of the users page: one user's standing and its switches, grants and robot tokens. */
final class UserDetail extends Composite<Div> {

    private final UserUseCases uses;
    private final boolean open;
    private final UserUseCases.Report report;
    private final Runnable reload;
    private final Div box = new Div();

    /**
     * @param report after a change of the user's standing or grants
     * @param reload after a change of their robot tokens: shows the user anew
     */
    UserDetail(UserUseCases uses, boolean open, UserUseCases.Report report, Runnable reload) {
        this.uses = uses;
        this.open = open;
        this.report = report;
        this.reload = reload;
        box.setId("user-detail");
        showNone();
    }

    @Override
    protected Div initContent() {
        return Widgets.column(3, "360px", box);
    }

    void showNone() {
        box.removeAll();
        box.add(new Paragraph("Select a user to see their grants and robot tokens."));
    }

    void show(ListUsers.Entry entry) {
        box.removeAll();
        User user = entry.user();
        H3 title = new H3(user.name());
        title.setId("detail-name");
        Span standing = Widgets.badge((user.admin() ? "Administrator" : "User") + (user.enabled() ? "" : ", disabled"),
                user.enabled() ? Widgets.Tone.NEUTRAL : Widgets.Tone.ERROR);
        standing.setId("detail-standing");

        Button toggleEnabled = new Button(user.enabled() ? "Disable" : "Enable", e -> {
            if (user.enabled()) {
                Widgets.confirm("Disable " + user.name() + "?", "Their next request fails, whatever credential "
                        + "it carries (passwords, tokens, robot tokens).", "Disable", "confirm-disable",
                        () -> setEnabled(user.name(), false));
            } else {
                setEnabled(user.name(), true);
            }
        });
        toggleEnabled.setId("toggle-enabled");
        Button toggleAdmin = new Button(user.admin() ? "Remove admin" : "Make admin", e -> {
            boolean done = uses.setAdmin().set(uses.session().caller(), uses.session().address(), user.name(),
                    !user.admin());
            report.report(done, user.name() + (user.admin() ? " is no administrator any more" : " is now an administrator"));
        });
        toggleAdmin.setId("toggle-admin");
        Button resetPassword = new Button("Reset password", VaadinIcon.KEY.create(),
                e -> new ResetPasswordDialog(uses, user.name(), report).open());
        resetPassword.setId("reset-password");
        Anchor auditLink = new Anchor("audit?actor=" + URLEncoder.encode(user.name(), StandardCharsets.UTF_8),
                "Audit log of " + user.name());
        auditLink.setId("user-audit-link");
        auditLink.getStyle().set("display", "block").set("margin", "var(--lumo-space-s) 0");
        HorizontalLayout actions = new HorizontalLayout(toggleEnabled, toggleAdmin, resetPassword);
        actions.setWrap(true);

        box.add(title, standing, actions, auditLink, new GrantEditor(uses, entry, open, report),
                new RobotTokenList(uses, user, reload));
    }

    private void setEnabled(String name, boolean enabled) {
        boolean done = uses.setEnabled().set(uses.session().caller(), uses.session().address(), name, enabled);
        report.report(done, name + (enabled ? " is enabled" : " is disabled"));
    }
}
