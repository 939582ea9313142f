package dev.berth.adminui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.maintenance.AddImmutableTagRule;
import dev.berth.application.maintenance.ListImmutableTagRules;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.maintenance.RemoveImmutableTagRule;
import dev.berth.application.maintenance.SetReadOnly;
import dev.berth.domain.access.ImmutableTagRule;
import dev.berth.domain.access.RepositoryPattern;
import jakarta.inject.Inject;

import java.util.Optional;

/**
 * Read-only mode (writes refused on every node, reads served) and the immutable tag rules. The
 * switch cannot lift a read-only mode the configuration forces.
 */
@Route(value = "maintenance", layout = MainLayout.class)
@PageTitle("Berth · Maintenance")
public class MaintenanceView extends VerticalLayout implements AdminOnly {

    private final AdminSession session;
    private final MaintenanceMode mode;
    private final SetReadOnly setReadOnly;
    private final ListImmutableTagRules listRules;
    private final AddImmutableTagRule addRule;
    private final RemoveImmutableTagRule removeRule;
    private final Span state = new Span();
    private final Button toggle = new Button();
    private final Grid<ImmutableTagRule> rules = new Grid<>();

    @Inject
    public MaintenanceView(AdminSession session, MaintenanceMode mode, SetReadOnly setReadOnly,
                           ListImmutableTagRules listRules, AddImmutableTagRule addRule,
                           RemoveImmutableTagRule removeRule) {
        this.session = session;
        this.mode = mode;
        this.setReadOnly = setReadOnly;
        this.listRules = listRules;
        this.addRule = addRule;
        this.removeRule = removeRule;
        setWidthFull();
        add(new H2("Maintenance"));

        add(new H3("Read-only mode"), new Paragraph("While the registry is read-only, pushes, mounts and deletions "
                + "are refused (405 UNSUPPORTED, as Distribution answers) on every node, and nothing is removed from "
                + "storage; pulls go on. It lasts across restarts until it is turned off."));
        state.setId("read-only-state");
        state.getStyle().set("font-weight", "600");
        toggle.setId("read-only-toggle");
        toggle.addClickListener(e -> {
            boolean on = !mode.readOnly();
            setReadOnly.set(session.caller(), session.address(), on);
            Feedback.done(on ? "The registry is read-only" : "The registry takes writes again");
            showMode();
        });
        HorizontalLayout modeRow = new HorizontalLayout(new Span("The registry is"), state, toggle);
        modeRow.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(modeRow);
        showMode();

        add(new H3("Immutable tags"), new Paragraph("A tag matching a rule keeps the manifest it was first pushed "
                + "with: pushing another one under it, and deleting it, are refused (403 DENIED naming the rule). "
                + "Patterns use * for any characters, e.g. team-a/* and v*."));
        rules.setId("immutable-rules-grid");
        rules.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        rules.addColumn(r -> r.repositories().value()).setHeader("Repositories").setFlexGrow(1);
        rules.addColumn(ImmutableTagRule::tags).setHeader("Tags").setFlexGrow(1);
        rules.addComponentColumn(rule -> {
            Button remove = new Button("Remove", VaadinIcon.TRASH.create(), e -> {
                removeRule.remove(session.caller(), session.address(), rule);
                Feedback.done("Tags " + rule + " may move and be deleted again");
                showRules();
            });
            remove.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
            remove.setId("immutable-remove-" + rule.repositories().value().replace('/', '_') + "-" + rule.tags());
            return remove;
        }).setAutoWidth(true).setFlexGrow(0);
        rules.setAllRowsVisible(true);
        TextField repositories = new TextField("Repositories");
        repositories.setId("immutable-repositories");
        repositories.setPlaceholder("team-a/*");
        TextField tags = new TextField("Tags");
        tags.setId("immutable-tags");
        tags.setPlaceholder("v*");
        Button add = new Button("Add rule", VaadinIcon.PLUS.create(), e -> {
            // a pattern with characters no name has is refused by the rule itself, with the reason, at its field
            Optional<RepositoryPattern> pattern = FieldErrors.at(repositories,
                    () -> new RepositoryPattern(repositories.getValue().strip()));
            Optional<ImmutableTagRule> parsed = pattern.flatMap(p -> FieldErrors.at(tags,
                    () -> new ImmutableTagRule(p, tags.getValue().strip())));
            if (parsed.isEmpty()) {
                return;
            }
            ImmutableTagRule rule = parsed.get();
            boolean added = addRule.add(session.caller(), session.address(), rule);
            Feedback.done(added ? "Tags " + rule + " are immutable" : "Tags " + rule + " were immutable already");
            repositories.clear();
            tags.clear();
            showRules();
        });
        add.setId("immutable-add");
        HorizontalLayout form = new HorizontalLayout(repositories, tags, add);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(rules, form);
        showRules();
    }

    private void showMode() {
        boolean readOnly = mode.readOnly();
        state.setText(!readOnly ? "writable" : mode.forcedByConfiguration()
                ? "read-only (storage.maintenance.readonly.enabled)" : "read-only");
        toggle.setText(readOnly ? "Allow writes" : "Make read-only");
        toggle.setEnabled(!mode.forcedByConfiguration());
        toggle.removeThemeVariants(ButtonVariant.LUMO_ERROR);
        if (!readOnly) {
            toggle.addThemeVariants(ButtonVariant.LUMO_ERROR);
        }
    }

    private void showRules() {
        rules.setItems(listRules.list(session.caller()));
    }
}
