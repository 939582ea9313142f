package dev.berth.adminui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.QuerySortOrder;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.browse.BrowseRepositories;
import dev.berth.application.browse.DeleteImages;
import dev.berth.application.browse.ListTagDetails;
import dev.berth.application.browse.PreviewDeletion;
import dev.berth.application.browse.RepositorySummary;
import dev.berth.application.browse.TagSort;
import dev.berth.application.browse.TagSummary;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/** One repository: its tags a page at a time, how to pull them, and deleting tags or the whole repository. */
@Route(value = "repository/:name*", layout = MainLayout.class)
@PageTitle("Berth · Repository")
public class RepositoryView extends VerticalLayout implements BeforeEnterObserver {

    private final BrowseRepositories browse;
    private final ListTagDetails tags;
    private final PreviewDeletion preview;
    private final DeleteImages delete;
    private final AdminSession session;

    @Inject
    public RepositoryView(BrowseRepositories browse, ListTagDetails tags, PreviewDeletion preview, DeleteImages delete,
                          AdminSession session) {
        this.browse = browse;
        this.tags = tags;
        this.preview = preview;
        this.delete = delete;
        this.session = session;
        setSizeFull();
    }

    static String path(RepositoryName name) {
        return "repository/" + name.value();
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        Caller caller = session.caller();
        Optional<RepositorySummary> repository = event.getRouteParameters().get("name")
                .flatMap(RepositoryView::parse).flatMap(name -> browse.summary(caller, name));
        if (repository.isEmpty()) {
            H2 missing = new H2("No such repository");
            missing.setId("repository-missing");
            add(missing, new Paragraph("It does not exist, was deleted, or you may not pull from it."),
                    new Anchor("repositories", "All repositories"));
            return;
        }
        show(repository.get(), caller);
    }

    private static Optional<RepositoryName> parse(String value) {
        try {
            return Optional.of(RepositoryName.parse(value));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void show(RepositorySummary repository, Caller caller) {
        RepositoryName name = repository.name();
        boolean mayDelete = caller.allows(Action.DELETE, name);
        H2 title = new H2(name.value());
        title.setId("repository-name");
        Span facts = new Span(repository.tags() + (repository.tags() == 1 ? " tag" : " tags") + " · "
                + repository.manifests() + (repository.manifests() == 1 ? " manifest" : " manifests") + " · "
                + Format.bytes(repository.storedBytes()) + " stored · last push " + Format.time(repository.lastPush()));
        facts.setId("repository-facts");
        HorizontalLayout header = new HorizontalLayout(title);
        header.setWidthFull();
        header.setAlignItems(FlexComponent.Alignment.BASELINE);
        if (mayDelete) {
            Button deleteRepository = new Button("Delete repository", VaadinIcon.TRASH.create(),
                    e -> confirmRepositoryDeletion(name));
            deleteRepository.setId("delete-repository");
            deleteRepository.addThemeVariants(ButtonVariant.LUMO_ERROR);
            deleteRepository.getStyle().set("margin-left", "auto");
            header.add(deleteRepository);
        }

        CopyableCommand pull = new CopyableCommand("pull-command", "docker pull " + Hosts.registry() + "/" + name.value()
                + ":latest");

        TextField filter = new TextField();
        filter.setId("tag-filter");
        filter.setPlaceholder("Filter tags");
        filter.setAriaLabel("Filter tags");
        filter.setPrefixComponent(VaadinIcon.SEARCH.create());
        filter.setClearButtonVisible(true);
        filter.setValueChangeMode(ValueChangeMode.LAZY);

        Grid<TagSummary> grid = new Grid<>();
        grid.setId("tags");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(t -> link(name, t)).setHeader("Tag").setKey("tag")
                .setSortable(true).setSortProperty(TagSort.NAME.name()).setFlexGrow(2).setResizable(true);
        grid.addColumn(t -> Format.shortDigest(t.digest())).setHeader("Digest").setKey("digest")
                .setTooltipGenerator(t -> t.digest().toString()).setFlexGrow(1);
        grid.addColumn(t -> MediaTypes.label(t.mediaType())).setHeader("Type").setKey("type")
                .setTooltipGenerator(t -> t.mediaType().toString()).setFlexGrow(1);
        grid.addColumn(t -> Format.platforms(t.platforms())).setHeader("Platforms").setKey("platforms").setFlexGrow(1);
        grid.addColumn(t -> Format.bytes(t.compressedSize())).setHeader("Size").setKey("size")
                .setTextAlign(ColumnTextAlign.END).setFlexGrow(0).setWidth("7rem");
        grid.addColumn(t -> Format.time(t.pushedAt())).setHeader("Pushed").setKey("pushed")
                .setSortable(true).setSortProperty(TagSort.PUSHED.name()).setAutoWidth(true).setFlexGrow(0);
        if (mayDelete) {
            grid.addComponentColumn(t -> {
                Button remove = new Button(VaadinIcon.TRASH.create(), e -> confirmTagDeletion(name, t, grid));
                remove.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
                remove.setAriaLabel("Delete tag " + t.tag().value());
                remove.setTooltipText("Delete tag " + t.tag().value());
                remove.setId("delete-tag-" + t.tag().value());
                return remove;
            }).setHeader("").setKey("actions").setFlexGrow(0).setWidth("5.5rem");
        }
        grid.setItems(
                query -> tags.page(session.caller(), name, filter.getValue(), sort(query.getSortOrders()),
                        descending(query.getSortOrders()), query.getOffset(), query.getLimit()).stream(),
                query -> (int) Math.min(Integer.MAX_VALUE, tags.count(session.caller(), name, filter.getValue())));
        grid.addSelectionListener(e -> e.getFirstSelectedItem().ifPresent(t -> pull.setCommand(
                "docker pull " + Hosts.registry() + "/" + name.value() + ":" + t.tag().value())));
        grid.setEmptyStateText("No tags. Manifests pushed by digest only are listed on their own pages.");
        grid.setSizeFull();
        filter.addValueChangeListener(e -> grid.getDataProvider().refreshAll());

        add(header, facts, pull, filter, grid);
    }

    private static Anchor link(RepositoryName name, TagSummary tag) {
        Anchor link = new Anchor(ManifestView.path(name, tag.digest()), tag.tag().value());
        link.getElement().setAttribute("router-link", true);
        link.setId("tag-link-" + tag.tag().value());
        return link;
    }

    private static TagSort sort(List<QuerySortOrder> orders) {
        return orders.isEmpty() ? TagSort.NAME : TagSort.valueOf(orders.get(0).getSorted());
    }

    private static boolean descending(List<QuerySortOrder> orders) {
        return !orders.isEmpty() && orders.get(0).getDirection() == SortDirection.DESCENDING;
    }

    private void confirmTagDeletion(RepositoryName name, TagSummary tag, Grid<TagSummary> grid) {
        new DeletionDialog("Delete tag " + name.value() + ":" + tag.tag().value() + "?",
                preview.tag(session.caller(), name, tag.tag()), Optional.empty(), () -> {
            delete.tag(session.caller(), session.address(), name, tag.tag());
            grid.getDataProvider().refreshAll();
            Feedback.done("Tag " + tag.tag().value() + " deleted");
        }).open();
    }

    private void confirmRepositoryDeletion(RepositoryName name) {
        new DeletionDialog("Delete repository " + name.value() + "?", preview.repository(session.caller(), name),
                Optional.of(name.value()), () -> {
            delete.repository(session.caller(), session.address(), name);
            Feedback.done("Repository " + name.value() + " deleted");
            UI.getCurrent().navigate(RepositoriesView.class);
        }).open();
    }
}
