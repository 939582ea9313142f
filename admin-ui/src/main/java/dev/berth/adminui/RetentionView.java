package dev.berth.adminui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.retention.AddRetentionPolicy;
import dev.berth.application.retention.ApplyRetention;
import dev.berth.application.retention.ExpiredTag;
import dev.berth.application.retention.ListRetentionPolicies;
import dev.berth.application.retention.PreviewRetention;
import dev.berth.application.retention.RemoveRetentionPolicy;
import dev.berth.application.retention.RetentionPolicy;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.error.RegistryException;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Retention policies: which tags stay (the last N pushed, names matching an expression, pulled
 * recently), a dry run that lists what would go, and a run now; scheduled runs do the same.
 */
@Route(value = "retention", layout = MainLayout.class)
@PageTitle("Berth · Retention")
public class RetentionView extends VerticalLayout implements AdminOnly {

    private final AdminSession session;
    private final ListRetentionPolicies list;
    private final AddRetentionPolicy add;
    private final RemoveRetentionPolicy remove;
    private final PreviewRetention preview;
    private final ApplyRetention apply;
    private final Grid<RetentionPolicy> policies = new Grid<>();
    private final Grid<ExpiredTag> expired = new Grid<>();
    private final Paragraph expiredSummary = new Paragraph();
    private final TextField pattern = new TextField("Repositories");
    private final IntegerField keepLast = new IntegerField("Keep the last pushed");
    private final TextField keepMatching = new TextField("Keep tags matching");
    private final IntegerField keepPulledDays = new IntegerField("Keep tags pulled within (days)");

    @Inject
    public RetentionView(AdminSession session, ListRetentionPolicies list, AddRetentionPolicy add,
                         RemoveRetentionPolicy remove, PreviewRetention preview, ApplyRetention apply) {
        this.session = session;
        this.list = list;
        this.add = add;
        this.remove = remove;
        this.preview = preview;
        this.apply = apply;
        setWidthFull();
        add(new H2("Retention"), new Paragraph("A policy covers the repositories its pattern matches (team-a/* is "
                + "every repository of namespace team-a) and keeps a tag when any of its rules does; where several "
                + "policies cover a repository, a tag stays if any of them keeps it. Every other tag is deleted, "
                + "with its manifest when no other tag and no index holds it, as a DELETE through the registry API "
                + "would (events, audit log); garbage collection frees the bytes. Scheduled runs happen once per "
                + "retention.interval."));

        policies.setId("retention-policies");
        policies.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        policies.addColumn(p -> p.repositories().value()).setHeader("Repositories").setAutoWidth(true);
        policies.addColumn(RetentionView::rules).setHeader("Keeps").setFlexGrow(3);
        policies.addComponentColumn(p -> {
            Button removeButton = new Button("Remove", e -> Widgets.confirm("Remove the policy of "
                    + p.repositories().value() + "?", "Its repositories keep all their tags unless another policy "
                    + "covers them.", "Remove", "confirm-remove-policy", () -> {
                remove.remove(session.caller(), session.address(), p);
                Feedback.done("Policy of " + p.repositories().value() + " removed");
                refresh();
            }));
            removeButton.setId("remove-policy-" + p.repositories().value());
            removeButton.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
            return removeButton;
        }).setAutoWidth(true).setFlexGrow(0);
        policies.setAllRowsVisible(true);

        pattern.setId("policy-pattern");
        pattern.setPlaceholder("team-a/*");
        keepLast.setId("policy-keep-last");
        keepLast.setMin(0);
        keepMatching.setId("policy-keep-matching");
        keepMatching.setPlaceholder("v[0-9]+\\..*");
        keepPulledDays.setId("policy-keep-pulled-days");
        keepPulledDays.setMin(0);
        Button addButton = new Button("Add policy", e -> addPolicy());
        addButton.setId("policy-add");
        addButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout form = new HorizontalLayout(pattern, keepLast, keepMatching, keepPulledDays, addButton);
        form.setWrap(true);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);

        Button dryRun = new Button("Dry run", e -> showExpired(preview.preview(session.caller()), "would delete"));
        dryRun.setId("retention-dry-run");
        Button runNow = new Button("Run now", e -> Widgets.confirm("Run the retention policies now?",
                "The tags the dry run lists are deleted; this cannot be undone.", "Delete", "confirm-retention-run",
                this::runNow));
        runNow.setId("retention-run");
        runNow.addThemeVariants(ButtonVariant.LUMO_ERROR);

        expired.setId("retention-expired");
        expired.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        expired.addColumn(t -> t.repository().value()).setHeader("Repository").setAutoWidth(true);
        expired.addColumn(t -> t.tag().value()).setHeader("Tag").setAutoWidth(true);
        expired.addColumn(t -> Format.shortDigest(t.digest())).setHeader("Manifest").setAutoWidth(true);
        expired.addColumn(t -> t.manifestToo() ? "deleted too" : "stays").setHeader("Its manifest").setAutoWidth(true);
        expired.setAllRowsVisible(true);
        expired.setVisible(false);
        expiredSummary.setId("retention-summary");

        add(new H3("Policies"), policies, form, new H3("Dry run and run"), new HorizontalLayout(dryRun, runNow),
                expiredSummary, expired);
        refresh();
    }

    /** Each refusal at the field it is about: the pattern, the expression, or the rules as a whole. */
    private void addPolicy() {
        FieldErrors.clear(pattern, keepLast, keepMatching, keepPulledDays);
        Optional<RepositoryPattern> repositories = FieldErrors.at(pattern,
                () -> new RepositoryPattern(pattern.getValue().trim()));
        Optional<String> expression = keepMatching.getValue().isBlank() ? Optional.empty()
                : Optional.of(keepMatching.getValue().trim());
        if (repositories.isEmpty() || expression.isPresent() && FieldErrors.at(keepMatching, () -> new RetentionPolicy(
                0, repositories.get(), OptionalInt.empty(), expression, OptionalInt.empty())).isEmpty()) {
            return;
        }
        Optional<RetentionPolicy> policy = FieldErrors.at(keepLast, () -> new RetentionPolicy(0, repositories.get(),
                keepLast.getValue() == null ? OptionalInt.empty() : OptionalInt.of(keepLast.getValue()), expression,
                keepPulledDays.getValue() == null ? OptionalInt.empty() : OptionalInt.of(keepPulledDays.getValue())));
        if (policy.isEmpty() || FieldErrors.at(pattern, () -> {
            add.add(session.caller(), session.address(), policy.get());
            return policy.get();
        }).isEmpty()) {
            return;
        }
        Feedback.done("Policy of " + policy.get().repositories().value() + " added");
        pattern.clear();
        keepLast.clear();
        keepMatching.clear();
        keepPulledDays.clear();
        refresh();
    }

    private void runNow() {
        try {
            showExpired(apply.apply(session.caller(), session.address()), "deleted");
        } catch (RegistryException e) {
            Feedback.failed(e.getMessage() + (e.detail() == null ? "" : ": " + e.detail()));
        }
    }

    private void showExpired(List<ExpiredTag> tags, String verb) {
        long manifests = tags.stream().filter(ExpiredTag::manifestToo).count();
        expiredSummary.setText(tags.isEmpty() ? "Nothing to delete: every tag is kept."
                : "Retention " + verb + " " + tags.size() + " tags and " + manifests + " manifests.");
        expired.setItems(tags);
        expired.setVisible(!tags.isEmpty());
    }

    private void refresh() {
        List<RetentionPolicy> all = list.list(session.caller());
        policies.setItems(all);
        policies.setVisible(!all.isEmpty());
    }

    /** The rules without the pattern: "the last 10 pushed, tags matching v.*". */
    private static String rules(RetentionPolicy policy) {
        return policy.describe().substring(policy.repositories().value().length() + ": keep ".length());
    }
}
