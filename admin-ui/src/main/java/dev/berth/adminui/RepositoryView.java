package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.data.renderer.LitRenderer;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.Tab;
import com.vaadin.flow.component.tabs.Tabs;
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
import dev.berth.application.browse.ListUntaggedManifests;
import dev.berth.application.browse.PreviewDeletion;
import dev.berth.application.browse.RepositorySummary;
import dev.berth.application.browse.SuggestPullTag;
import dev.berth.application.browse.TagSort;
import dev.berth.application.browse.TagSummary;
import dev.berth.application.browse.UntaggedManifestSummary;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/**
 * One repository: its tags a page at a time, its untagged manifests, how to pull them, and deleting
 * tags, manifests or the whole repository. After a deletion the numbers, the lists and the pull
 * command follow at once, without a reload.
 */
@Route(value = "repository/:name*", layout = MainLayout.class)
@PageTitle("Berth · Repository")
public class RepositoryView extends VerticalLayout implements BeforeEnterObserver {

    private final BrowseRepositories browse;
    private final ListTagDetails tags;
    private final ListUntaggedManifests untagged;
    private final SuggestPullTag suggest;
    private final PreviewDeletion preview;
    private final DeleteImages delete;
    private final AdminSession session;

    // made anew for each repository shown: the router reuses this view from one repository to the next
    private RepositoryName name;
    private Span facts;
    private Paragraph empty;
    private CopyableCommand pull;
    private ComboBox<String> pullTag;
    private HorizontalLayout pullRow;
    private Tab tagsTab;
    private Tab untaggedTab;
    private Grid<TagSummary> tagGrid;
    private Grid<UntaggedManifestSummary> untaggedGrid;

    @Inject
    public RepositoryView(BrowseRepositories browse, ListTagDetails tags, ListUntaggedManifests untagged,
                          SuggestPullTag suggest, PreviewDeletion preview, DeleteImages delete, AdminSession session) {
        this.browse = browse;
        this.tags = tags;
        this.untagged = untagged;
        this.suggest = suggest;
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
        name = repository.name();
        facts = new Span();
        empty = new Paragraph("Empty: no tags and no manifests. Pushing to it fills it again; deleting it removes"
                + " the name from the catalog.");
        pull = new CopyableCommand("pull-command");
        pullTag = new ComboBox<>();
        pullRow = new HorizontalLayout(pull, pullTag);
        tagsTab = new Tab();
        untaggedTab = new Tab();
        tagGrid = new Grid<>();
        untaggedGrid = new Grid<>();
        boolean mayDelete = caller.allows(Action.DELETE, name);
        H2 title = new H2(name.value());
        title.setId("repository-name");
        facts.setId("repository-facts");
        empty.setId("repository-empty");
        HorizontalLayout header = new HorizontalLayout(title);
        header.setWidthFull();
        header.setAlignItems(FlexComponent.Alignment.BASELINE);
        if (mayDelete) {
            Button deleteRepository = new Button("Delete repository", VaadinIcon.TRASH.create(),
                    e -> confirmRepositoryDeletion());
            deleteRepository.setId("delete-repository");
            deleteRepository.addThemeVariants(ButtonVariant.LUMO_ERROR);
            deleteRepository.getStyle().set("margin-left", "auto");
            header.add(deleteRepository);
        }

        pullTag.setId("pull-tag");
        pullTag.setAriaLabel("Tag to pull");
        pullTag.setPlaceholder("Tag");
        // newest first, as the offered tag is the newest image's
        pullTag.setItems(query -> tags.page(session.caller(), name, query.getFilter().orElse(""), TagSort.PUSHED, true,
                        query.getOffset(), query.getLimit()).stream().map(t -> t.tag().value()),
                query -> (int) Math.min(Integer.MAX_VALUE, tags.count(session.caller(), name,
                        query.getFilter().orElse(""))));
        pullTag.addValueChangeListener(e -> {
            if (e.getValue() != null) {
                pull.setCommand("docker pull " + session.registryHost() + "/" + name.value() + ":" + e.getValue());
            }
        });
        pullRow.setAlignItems(FlexComponent.Alignment.CENTER);
        pullRow.setWrap(true);

        tagsTab.setId("tab-tags");
        untaggedTab.setId("tab-untagged");
        Tabs tabs = new Tabs(tagsTab, untaggedTab);
        tabs.setId("repository-tabs");

        TextField filter = new TextField();
        filter.setId("tag-filter");
        filter.setPlaceholder("Filter tags");
        filter.setAriaLabel("Filter tags");
        filter.setPrefixComponent(VaadinIcon.SEARCH.create());
        filter.setClearButtonVisible(true);
        filter.setValueChangeMode(ValueChangeMode.LAZY);
        tagGrid(mayDelete, filter);
        untaggedGrid(mayDelete);
        filter.addValueChangeListener(e -> tagGrid.getDataProvider().refreshAll());

        tabs.addSelectedChangeListener(e -> {
            boolean showTags = e.getSelectedTab() == tagsTab;
            filter.setVisible(showTags);
            tagGrid.setVisible(showTags);
            untaggedGrid.setVisible(!showTags);
        });
        untaggedGrid.setVisible(false);

        add(header, facts, empty, pullRow, tabs, filter, tagGrid, untaggedGrid);
        refreshNumbers(repository);
        offerTag(suggest.suggest(caller, name));
    }

    private void tagGrid(boolean mayDelete, TextField filter) {
        Grid<TagSummary> grid = tagGrid;
        grid.setId("tags");
        // an index's platforms wrap onto more lines rather than being cut off
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES, GridVariant.LUMO_WRAP_CELL_CONTENT);
        // the cells of a row are templates, not server-side components: a page of 50 rows then costs a few
        // properties each instead of some 200 components (the 1 000-tag page's first UI response: 160 KB
        // before, 73 KB with these templates and the HTML around it, issue 22)
        grid.addColumn(LitRenderer.<TagSummary>of("<a id=\"tag-link-${item.tag}\" href=\"${item.href}\" router-link>"
                                + "${item.tag}</a>")
                        .withProperty("tag", t -> t.tag().value())
                        .withProperty("href", t -> ManifestView.path(name, t.digest())))
                .setHeader("Tag").setKey("tag")
                .setSortable(true).setSortProperty(TagSort.NAME.name()).setFlexGrow(2).setResizable(true);
        grid.addColumn(t -> Format.shortDigest(t.digest())).setHeader("Digest").setKey("digest")
                .setTooltipGenerator(t -> t.digest().toString()).setFlexGrow(1);
        grid.addColumn(t -> MediaTypes.label(t.mediaType(), t.artifactType())).setHeader("Type").setKey("type")
                .setTooltipGenerator(t -> t.artifactType().orElse(t.mediaType().toString())).setFlexGrow(1);
        grid.addColumn(LitRenderer.<TagSummary>of(Widgets.chipsTemplate("platforms-${item.tag}", "item.platforms"))
                        .withProperty("tag", t -> t.tag().value())
                        .withProperty("platforms", t -> t.platforms().stream().map(Format::platform).toList()))
                .setHeader("Platforms").setKey("platforms").setFlexGrow(2);
        grid.addColumn(t -> Format.bytes(t.compressedSize())).setHeader("Size").setKey("size")
                .setTooltipGenerator(t -> t.compressedSize() + " bytes: the manifest and everything a pull of it fetches")
                .setTextAlign(ColumnTextAlign.END).setFlexGrow(0).setWidth("7rem");
        grid.addColumn(t -> Format.time(t.pushedAt())).setHeader("Pushed").setKey("pushed")
                .setSortable(true).setSortProperty(TagSort.PUSHED.name()).setAutoWidth(true).setFlexGrow(0);
        if (mayDelete) {
            // as new Button(VaadinIcon.TRASH.create()) with the tertiary and error variants and a tooltip renders it
            grid.addColumn(LitRenderer.<TagSummary>of("<vaadin-button id=\"delete-tag-${item.tag}\" theme=\"icon tertiary error\""
                                    + " aria-label=\"Delete tag ${item.tag}\" @click=\"${remove}\">"
                                    + "<vaadin-icon icon=\"vaadin:trash\" slot=\"prefix\"></vaadin-icon>"
                                    + "<vaadin-tooltip slot=\"tooltip\" text=\"Delete tag ${item.tag}\"></vaadin-tooltip>"
                                    + "</vaadin-button>")
                            .withProperty("tag", t -> t.tag().value())
                            .withFunction("remove", this::confirmTagDeletion))
                    .setHeader("").setKey("actions").setFlexGrow(0).setWidth("5.5rem");
        }
        grid.setItems(
                query -> tags.page(session.caller(), name, filter.getValue(), sort(query.getSortOrders()),
                        descending(query.getSortOrders()), query.getOffset(), query.getLimit()).stream(),
                query -> (int) Math.min(Integer.MAX_VALUE, tags.count(session.caller(), name, filter.getValue())));
        grid.addSelectionListener(e -> e.getFirstSelectedItem().ifPresent(t -> pullTag.setValue(t.tag().value())));
        grid.setEmptyStateText("No tags. Manifests pushed by digest only are under Untagged manifests.");
        grid.setSizeFull();
    }

    private void untaggedGrid(boolean mayDelete) {
        Grid<UntaggedManifestSummary> grid = untaggedGrid;
        grid.setId("untagged");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(m -> manifestLink(m.digest(), "untagged-link-" + m.digest().hex().substring(0, 12)))
                .setHeader("Manifest").setKey("manifest").setFlexGrow(1);
        grid.addColumn(m -> MediaTypes.label(m.mediaType(), m.artifactType())).setHeader("Type").setKey("type")
                .setTooltipGenerator(m -> m.artifactType().orElse(m.mediaType().toString())).setFlexGrow(1);
        grid.addComponentColumn(m -> m.subject().<Component>map(s -> manifestLink(s, null)).orElseGet(() -> new Span("—")))
                .setHeader("Refers to").setKey("subject").setFlexGrow(1);
        grid.addColumn(m -> Format.bytes(m.compressedSize())).setHeader("Size").setKey("size")
                .setTooltipGenerator(m -> m.compressedSize() + " bytes: the manifest and everything a pull of it fetches")
                .setTextAlign(ColumnTextAlign.END).setFlexGrow(0).setWidth("7rem");
        grid.addColumn(m -> Format.time(m.pushedAt())).setHeader("Pushed").setKey("pushed").setAutoWidth(true)
                .setFlexGrow(0);
        if (mayDelete) {
            grid.addComponentColumn(m -> {
                Button remove = new Button(VaadinIcon.TRASH.create(), e -> confirmManifestDeletion(m.digest()));
                remove.addThemeVariants(ButtonVariant.LUMO_TERTIARY, ButtonVariant.LUMO_ERROR);
                remove.setAriaLabel("Delete manifest " + Format.shortDigest(m.digest()));
                remove.setTooltipText("Delete manifest " + Format.shortDigest(m.digest()));
                remove.setId("delete-untagged-" + m.digest().hex().substring(0, 12));
                return remove;
            }).setHeader("").setKey("actions").setFlexGrow(0).setWidth("5.5rem");
        }
        grid.setItems(query -> untagged.page(session.caller(), name, query.getOffset(), query.getLimit()).stream(),
                query -> (int) Math.min(Integer.MAX_VALUE, untagged.count(session.caller(), name)));
        grid.setEmptyStateText("No untagged manifests: every manifest has a tag or is listed by an index.");
        grid.setSizeFull();
    }

    /** The repository's numbers and tab counts, again: after a deletion here or anywhere else. */
    private void refreshNumbers(RepositorySummary repository) {
        facts.setText(repository.tags() + (repository.tags() == 1 ? " tag" : " tags") + " · "
                + repository.manifests() + (repository.manifests() == 1 ? " manifest" : " manifests") + " · "
                + Format.bytes(repository.storedBytes()) + " stored · last push " + Format.time(repository.lastPush()));
        empty.setVisible(repository.tags() == 0 && repository.manifests() == 0);
        tagsTab.setLabel("Tags (" + repository.tags() + ")");
        untaggedTab.setLabel("Untagged manifests (" + untagged.count(session.caller(), name) + ")");
    }

    private void refresh() {
        browse.summary(session.caller(), name).ifPresent(this::refreshNumbers);
        tagGrid.getDataProvider().refreshAll();
        untaggedGrid.getDataProvider().refreshAll();
    }

    /** The pull command for the tag, or none at all without tags: pulling by digest is on each manifest's page. */
    private void offerTag(Optional<Tag> tag) {
        pullRow.setVisible(tag.isPresent());
        pullTag.setValue(tag.map(Tag::value).orElse(null));
    }

    private Anchor manifestLink(Digest digest, String id) {
        Anchor link = new Anchor(ManifestView.path(name, digest), Format.shortDigest(digest));
        link.getElement().setAttribute("router-link", true);
        link.setTitle(digest.toString());
        if (id != null) {
            link.setId(id);
        }
        return link;
    }

    private static TagSort sort(List<QuerySortOrder> orders) {
        return orders.isEmpty() ? TagSort.NAME : TagSort.valueOf(orders.get(0).getSorted());
    }

    private static boolean descending(List<QuerySortOrder> orders) {
        return !orders.isEmpty() && orders.get(0).getDirection() == SortDirection.DESCENDING;
    }

    private void confirmTagDeletion(TagSummary tag) {
        new DeletionDialog("Delete tag " + name.value() + ":" + tag.tag().value() + "?",
                preview.tag(session.caller(), name, tag.tag()), Optional.empty(), () -> {
            delete.tag(session.caller(), session.address(), name, tag.tag());
            Feedback.done("Tag " + tag.tag().value() + " deleted");
            if (tag.tag().value().equals(pullTag.getValue())) {
                offerTag(suggest.suggest(session.caller(), name));
            }
            refresh();
        }).open();
    }

    private void confirmManifestDeletion(Digest digest) {
        new DeletionDialog("Delete manifest " + Format.shortDigest(digest) + " from " + name.value() + "?",
                preview.manifest(session.caller(), name, digest), Optional.empty(), () -> {
            delete.manifest(session.caller(), session.address(), name, digest);
            Feedback.done("Manifest " + Format.shortDigest(digest) + " deleted");
            refresh();
        }).open();
    }

    private void confirmRepositoryDeletion() {
        new DeletionDialog("Delete repository " + name.value() + "?", preview.repository(session.caller(), name),
                Optional.of(name.value()), () -> {
            delete.repository(session.caller(), session.address(), name);
            Feedback.done("Repository " + name.value() + " deleted");
            UI.getCurrent().navigate(RepositoriesView.class);
        }).open();
    }
}
