package dev.berth.adminui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import dev.berth.application.access.ListUsers;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.RepositoryPattern;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** One user's grants, each revocable, and the form that adds (or replaces) one. */
final class GrantEditor extends Div {

    private final UserUseCases uses;
    private final String name;
    private final UserUseCases.Report report;

    GrantEditor(UserUseCases uses, ListUsers.Entry entry, boolean open, UserUseCases.Report report) {
        this.uses = uses;
        this.name = entry.user().name();
        this.report = report;
        Grid<Grant> grants = new Grid<>();
        grants.setId("grants-grid");
        grants.addThemeVariants(GridVariant.LUMO_COMPACT);
        grants.setAllRowsVisible(true);
        grants.addColumn(g -> g.pattern().value()).setHeader("Repositories").setFlexGrow(2);
        grants.addColumn(g -> g.actions().stream().map(Action::word).collect(Collectors.joining(", ")))
                .setHeader("May").setFlexGrow(1);
        grants.addComponentColumn(this::revokeButton).setAutoWidth(true).setFlexGrow(0);
        grants.setItems(entry.grants());
        if (entry.user().admin()) {
            grants.setVisible(!entry.grants().isEmpty());
        }

        add(new H3("Grants"));
        if (open) {
            Paragraph notEnforced = new Paragraph("Not enforced while the registry runs open (auth: none).");
            notEnforced.setId("grant-not-enforced");
            add(notEnforced);
        }
        if (entry.user().admin()) {
            add(new Paragraph("Administrators may do everything; grants matter once that is taken away."));
        } else if (entry.grants().isEmpty()) {
            add(new Paragraph("No grants: " + name + " may pull only what anybody may."));
        }
        add(grants, form());
    }

    private Button revokeButton(Grant g) {
        Button revoke = new Button("Revoke", e -> Widgets.confirm("Revoke " + g + "?",
                name + " loses these rights at their next request.", "Revoke", "confirm-revoke-grant", () -> {
                    boolean done = uses.revokeAccess().revoke(uses.session().caller(), uses.session().address(), name,
                            g.pattern());
                    report.report(done, "Revoked " + g + " from " + name);
                }));
        revoke.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
        revoke.addClassName("revoke-grant");
        revoke.getElement().setAttribute("data-pattern", g.pattern().value());
        return revoke;
    }

    private HorizontalLayout form() {
        TextField pattern = new TextField("Repositories");
        pattern.setId("grant-pattern");
        pattern.setPlaceholder("team-a/*");
        pattern.setHelperText("A name, or * for any characters: team-a/*, *");
        Checkbox pull = new Checkbox("pull", true);
        pull.setId("grant-pull");
        Checkbox push = new Checkbox("push");
        push.setId("grant-push");
        Checkbox delete = new Checkbox("delete");
        delete.setId("grant-delete");
        Button add = new Button("Add grant", VaadinIcon.PLUS.create(), e -> {
            Set<Action> actions = EnumSet.noneOf(Action.class);
            if (pull.getValue()) {
                actions.add(Action.PULL);
            }
            if (push.getValue()) {
                actions.add(Action.PUSH);
            }
            if (delete.getValue()) {
                actions.add(Action.DELETE);
            }
            // a pattern no name can match, no action ticked, or one grant too many: said at the pattern
            Optional<Grant> grant = FieldErrors.at(pattern, () -> new Grant(new RepositoryPattern(
                    pattern.getValue().trim()), actions));
            grant.flatMap(g -> FieldErrors.at(pattern, () -> uses.grantAccess().grant(uses.session().caller(),
                            uses.session().address(), name, g)))
                    .ifPresent(done -> report.report(done, "Granted " + grant.get() + " to " + name));
        });
        add.setId("add-grant");
        HorizontalLayout boxes = new HorizontalLayout(pull, push, delete);
        HorizontalLayout form = new HorizontalLayout(pattern, boxes, add);
        form.setWrap(true);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        return form;
    }
}
