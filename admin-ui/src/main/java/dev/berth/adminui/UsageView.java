package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.QuerySortOrder;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.browse.BrowseRepositories;
import dev.berth.application.browse.RepositoryQuery;
import dev.berth.application.browse.RepositorySort;
import dev.berth.application.browse.RepositorySummary;
import dev.berth.application.usage.NamespaceUsage;
import dev.berth.application.usage.Quota;
import dev.berth.application.usage.RegistryUsage;
import dev.berth.application.usage.SetNamespaceQuota;
import dev.berth.application.usage.ShowStorageUsage;
import dev.berth.domain.error.NameInvalidException;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who uses the space: the registry's deduplicated total, a chart of the largest namespaces, the
 * namespaces with their quotas (sortable), and the largest repositories. Every number is read from
 * usage the database keeps up to date, not computed on this page.
 */
@Route(value = "usage", layout = MainLayout.class)
@PageTitle("Berth · Storage usage")
public class UsageView extends VerticalLayout implements AdminOnly {

    /** The namespaces table holds at most this many, the largest (sorting then happens here). */
    static final int MAX_NAMESPACES = 1000;
    static final int CHART_BARS = 10;

    private final ShowStorageUsage usage;
    private final SetNamespaceQuota setQuota;
    private final AdminSession session;
    private final Div totals = new Div();
    private final Div chart = new Div();
    private final Grid<NamespaceUsage> namespaces = new Grid<>();
    private final TextField quotaNamespace = new TextField("Namespace");
    private final TextField quotaBytes = new TextField("Storage quota");
    private final IntegerField quotaRepositories = new IntegerField("Repository quota");

    @Inject
    public UsageView(ShowStorageUsage usage, SetNamespaceQuota setQuota, BrowseRepositories browse,
                     AdminSession session) {
        this.usage = usage;
        this.setQuota = setQuota;
        this.session = session;
        setWidthFull();
        add(new H2("Storage usage"), new Paragraph("Deduplicated: a blob that several repositories of a namespace "
                + "link counts once for the namespace, and once for the registry. A namespace is the first part of "
                + "a repository's name (team-a of team-a/app)."));
        totals.setId("usage-totals");
        chart.setId("usage-chart");
        chart.setWidthFull();

        namespaces.setId("namespace-usage");
        namespaces.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        namespaces.addColumn(NamespaceUsage::namespace).setHeader("Namespace").setKey("namespace")
                .setComparator(NamespaceUsage::namespace).setFlexGrow(2);
        namespaces.addColumn(NamespaceUsage::repositories).setHeader("Repositories").setKey("repositories")
                .setComparator(NamespaceUsage::repositories).setTextAlign(ColumnTextAlign.END).setAutoWidth(true);
        namespaces.addColumn(NamespaceUsage::blobs).setHeader("Blobs").setKey("blobs")
                .setTextAlign(ColumnTextAlign.END).setAutoWidth(true);
        var size = namespaces.addColumn(n -> Format.bytes(n.storedBytes())).setHeader("Stored").setKey("stored")
                .setComparator(NamespaceUsage::storedBytes).setTextAlign(ColumnTextAlign.END).setAutoWidth(true);
        namespaces.addColumn(UsageView::quotaText).setHeader("Quota").setKey("quota").setFlexGrow(2);
        namespaces.setAllRowsVisible(true);
        namespaces.sort(GridSortOrder.desc(size).build());
        namespaces.asSingleSelect().addValueChangeListener(e -> {
            if (e.getValue() != null) {
                edit(e.getValue());
            }
        });

        Grid<RepositorySummary> repositories = new Grid<>();
        repositories.setId("repository-usage");
        repositories.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        repositories.addColumn(r -> r.name().value()).setHeader("Repository").setKey("name").setSortable(true)
                .setSortProperty(RepositorySort.NAME.name()).setFlexGrow(3);
        var repositorySize = repositories.addColumn(r -> Format.bytes(r.storedBytes())).setHeader("Stored")
                .setKey("stored").setSortable(true).setSortProperty(RepositorySort.SIZE.name())
                .setTextAlign(ColumnTextAlign.END).setAutoWidth(true);
        repositories.setItems(query -> browse.page(session.caller(), repositoryQuery(query.getSortOrders()),
                        query.getOffset(), query.getLimit()).stream(),
                query -> (int) Math.min(Integer.MAX_VALUE, browse.count(session.caller(),
                        repositoryQuery(query.getSortOrders()))));
        repositories.sort(GridSortOrder.desc(repositorySize).build());
        repositories.setHeight("24em");

        add(totals, new H3("Largest namespaces"), chart, new H3("Namespaces"), namespaces, quotaForm(),
                new H3("Repositories"), new Paragraph("A repository's size counts each blob it links once, whether "
                        + "or not other repositories link it too."), repositories);
        refresh();
    }

    private static RepositoryQuery repositoryQuery(List<QuerySortOrder> sortOrders) {
        if (sortOrders.isEmpty()) {
            return new RepositoryQuery("", "", RepositorySort.SIZE, true);
        }
        return new RepositoryQuery("", "", RepositorySort.valueOf(sortOrders.getFirst().getSorted()),
                sortOrders.getFirst().getDirection() == SortDirection.DESCENDING);
    }

    private Component quotaForm() {
        quotaNamespace.setId("quota-namespace");
        quotaBytes.setId("quota-bytes");
        quotaBytes.setPlaceholder("e.g. 500 MB, 2 GiB; empty: none");
        quotaBytes.setWidth("16em");
        quotaRepositories.setId("quota-repositories");
        quotaRepositories.setPlaceholder("empty: none");
        quotaRepositories.setMin(0);
        Button save = new Button("Save quota", e -> save());
        save.setId("quota-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        HorizontalLayout form = new HorizontalLayout(quotaNamespace, quotaBytes, quotaRepositories, save);
        form.setWrap(true);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        return new Div(new H3("Quota"), new Paragraph("Pushes that would take a namespace beyond its quota are "
                + "refused (DENIED, naming the quota) before anything is kept. What a namespace stores already "
                + "stays, even above a lowered quota. Select a namespace above to edit its quota."), form);
    }

    private void edit(NamespaceUsage namespace) {
        quotaNamespace.setValue(namespace.namespace());
        quotaBytes.setValue(namespace.quotaBytes().isPresent() ? String.valueOf(namespace.quotaBytes().getAsLong()) : "");
        quotaRepositories.setValue(namespace.quotaRepositories().isPresent()
                ? (int) Math.min(Integer.MAX_VALUE, namespace.quotaRepositories().getAsLong()) : null);
    }

    /** A size that is none at its field; a namespace Berth refuses at the namespace. */
    private void save() {
        String namespace = quotaNamespace.getValue().trim();
        FieldErrors.clear(quotaNamespace, quotaBytes);
        Optional<OptionalLong> bytes = FieldErrors.at(quotaBytes, () -> quotaBytes.getValue().isBlank()
                ? OptionalLong.empty() : OptionalLong.of(ByteSizes.parse(quotaBytes.getValue())));
        if (bytes.isEmpty()) {
            return;
        }
        OptionalLong repositories = quotaRepositories.getValue() == null ? OptionalLong.empty()
                : OptionalLong.of(quotaRepositories.getValue());
        Optional<Quota> limits = FieldErrors.at(quotaRepositories, () -> new Quota(bytes.get(), repositories));
        if (limits.isEmpty()) {
            return;
        }
        Quota quota = limits.get();
        try {
            if (FieldErrors.at(quotaNamespace, () -> {
                setQuota.set(session.caller(), session.address(), namespace, quota);
                return quota;
            }).isEmpty()) {
                return;
            }
        } catch (NameInvalidException e) {
            FieldErrors.show(quotaNamespace, e.detail() != null ? e.detail() : e.getMessage());
            return;
        }
        Feedback.done(quota.limits() ? "Quota of " + namespace + " saved" : namespace + " has no quota now");
        refresh();
    }

    private void refresh() {
        RegistryUsage registry = usage.registry(session.caller());
        totals.removeAll();
        totals.add(Widgets.row("Stored (deduplicated)", Format.bytes(registry.storedBytes()), "usage-registry-stored"),
                Widgets.row("Distinct blobs", registry.blobs() + " (" + Format.bytes(registry.blobBytes()) + ")",
                        "usage-registry-blobs"),
                Widgets.row("Manifests", Format.bytes(registry.manifestBytes()), "usage-registry-manifests"),
                Widgets.row("Namespaces", String.valueOf(registry.namespaces()), "usage-registry-namespaces"));
        List<NamespaceUsage> largest = usage.largest(session.caller(), 0, MAX_NAMESPACES);
        namespaces.setItems(largest);
        drawChart(largest.stream().limit(CHART_BARS).toList());
    }

    /** Horizontal bars made of divs, the widest the largest namespace; the quota, if any, as a marker. */
    private void drawChart(List<NamespaceUsage> largest) {
        chart.removeAll();
        if (largest.isEmpty()) {
            chart.add(new Paragraph("Nothing stored yet."));
            return;
        }
        long scale = Math.max(1, largest.stream().mapToLong(n -> Math.max(n.storedBytes(),
                n.quotaBytes().orElse(0))).max().orElse(1));
        for (NamespaceUsage namespace : largest) {
            Span label = new Span(namespace.namespace());
            label.getStyle().set("width", "10em").set("overflow", "hidden").set("text-overflow", "ellipsis")
                    .set("flex", "none");
            Div bar = new Div();
            bar.addClassName("berth-usage-bar");
            bar.getElement().setAttribute("data-namespace", namespace.namespace());
            bar.getStyle().set("width", percent(namespace.storedBytes(), scale)).set("min-width", "2px")
                    .set("height", "1.2em").set("background", "var(--lumo-primary-color)")
                    .set("border-radius", "var(--lumo-border-radius-s)");
            Div track = new Div(bar);
            track.getStyle().set("position", "relative").set("flex", "1").set("background", "var(--lumo-contrast-5pct)");
            namespace.quotaBytes().ifPresent(quota -> {
                Div marker = new Div();
                marker.getElement().setAttribute("title", "quota " + Format.bytes(quota));
                marker.getStyle().set("position", "absolute").set("top", "0").set("bottom", "0")
                        .set("left", percent(quota, scale)).set("width", "2px").set("background", "var(--lumo-error-color)");
                track.add(marker);
            });
            Span value = new Span(Format.bytes(namespace.storedBytes()));
            value.getStyle().set("width", "7em").set("text-align", "right").set("flex", "none");
            HorizontalLayout row = new HorizontalLayout(label, track, value);
            row.setWidthFull();
            row.setAlignItems(FlexComponent.Alignment.CENTER);
            chart.add(row);
        }
    }

    private static String percent(long value, long scale) {
        return String.format(Locale.ROOT, "%.2f%%", Math.min(100.0, 100.0 * value / scale));
    }

    /** e.g. "1.2 GB of 2.0 GB (60 %), 3 of 10 repositories", "—" without one. */
    static String quotaText(NamespaceUsage namespace) {
        StringBuilder text = new StringBuilder();
        namespace.quotaBytes().ifPresent(max -> text.append(Format.bytes(namespace.storedBytes())).append(" of ")
                .append(Format.bytes(max)).append(max == 0 ? "" : String.format(Locale.ROOT, " (%d %%)",
                        Math.round(100.0 * namespace.storedBytes() / max))));
        namespace.quotaRepositories().ifPresent(max -> text.append(text.isEmpty() ? "" : ", ")
                .append(namespace.repositories()).append(" of ").append(max).append(" repositories"));
        return text.isEmpty() ? "—" : text.toString();
    }
}
