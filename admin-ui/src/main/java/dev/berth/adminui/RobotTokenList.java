package dev.berth.adminui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import dev.berth.application.access.ListRobotTokens;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.User;

import java.util.List;

/** One user's robot tokens, each revocable (never their secrets), and "Create robot token". */
final class RobotTokenList extends Div {

    /** @param reload after a token was made or revoked: shows the user anew */
    RobotTokenList(UserUseCases uses, User user, Runnable reload) {
        String name = user.name();
        Grid<ListRobotTokens.Token> tokens = new Grid<>();
        tokens.setId("tokens-grid");
        tokens.addThemeVariants(GridVariant.LUMO_COMPACT);
        tokens.setAllRowsVisible(true);
        tokens.addColumn(ListRobotTokens.Token::description).setHeader("Description").setFlexGrow(2);
        tokens.addColumn(t -> Grant.format(t.scope())).setHeader("Scope").setFlexGrow(2);
        tokens.addColumn(t -> Widgets.day(t.createdAt())).setHeader("Created").setAutoWidth(true)
                .setTooltipGenerator(t -> Widgets.time(t.createdAt()));
        tokens.addColumn(t -> t.expiresAt().map(Widgets::day).orElse("never")).setHeader("Expires").setAutoWidth(true)
                .setTooltipGenerator(t -> t.expiresAt().map(Widgets::time).orElse("never"));
        tokens.addColumn(t -> state(t, user)).setHeader("State").setAutoWidth(true)
                .setTooltipGenerator(t -> t.revokedAt().map(r -> "revoked " + Widgets.time(r))
                        .orElse(user.enabled() ? "" : "refused while " + name + " is disabled"));
        tokens.addComponentColumn(t -> {
            Button revoke = new Button("Revoke", e -> Widgets.confirm("Revoke the token '" + t.description() + "'?",
                    "Pipelines using it fail from their next request on. This cannot be undone.", "Revoke",
                    "confirm-revoke-token", () -> {
                        boolean done = uses.revokeToken().revoke(uses.session().caller(), uses.session().address(),
                                t.id());
                        if (done) {
                            Feedback.done("Revoked the token '" + t.description() + "'");
                        } else {
                            Feedback.failed("That token was revoked already");
                        }
                        reload.run();
                    }));
            revoke.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
            revoke.addClassName("revoke-token");
            revoke.getElement().setAttribute("data-description", t.description());
            revoke.setVisible(t.revokedAt().isEmpty());
            return revoke;
        }).setAutoWidth(true).setFlexGrow(0);
        List<ListRobotTokens.Token> list = uses.listTokens().list(uses.session().caller(), name);
        tokens.setItems(list);
        tokens.setVisible(!list.isEmpty());

        Button create = new Button("Create robot token", VaadinIcon.PLUS.create(),
                e -> new RobotTokenDialog(uses, name, reload).open());
        create.setId("create-token");
        add(new H3("Robot tokens"),
                new Paragraph("Passwords for pipelines: used instead of " + name + "'s password, limited to their "
                        + "scope within " + name + "'s grants."), tokens, create);
    }

    /** A disabled user's tokens are refused (AuthenticateCaller) though neither revoked nor expired. */
    private static String state(ListRobotTokens.Token token, User user) {
        if (token.revokedAt().isPresent()) {
            return "revoked";
        }
        if (!token.usable()) {
            return "expired";
        }
        return user.enabled() ? "active" : "inactive";
    }
}
