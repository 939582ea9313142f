package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.QuerySortOrder;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.browse.BrowseRepositories;
import dev.berth.application.browse.NamespaceSummary;
import dev.berth.application.browse.RepositoryQuery;
import dev.berth.application.browse.RepositorySort;
import dev.berth.application.browse.RepositorySummary;
import jakarta.inject.Inject;

import java.util.List;

/**
 * Every repository the signed-in user may pull, a page at a time: the grid asks for the rows it
 * shows (sorted and filtered in the database), so 100 000 repositories open as fast as ten.
 */
@Route(value = "repositories", layout = MainLayout.class)
@PageTitle("Berth · Repositories")
public class RepositoriesView extends VerticalLayout {

    private final BrowseRepositories browse;
    private final AdminSession session;
    private final TextField search = new TextField();
    private final ComboBox<NamespaceSummary> namespace = new ComboBox<>();
    private final Grid<RepositorySummary> grid = new Grid<>();

    @Inject
    public RepositoriesView(BrowseRepositories browse, AdminSession session) {
        this.browse = browse;
        this.session = session;
        setSizeFull();

        search.setId("repository-search");
        search.setPlaceholder("Search by name");
        search.setAriaLabel("Search repositories by name");
        search.setPrefixComponent(VaadinIcon.SEARCH.create());
        search.setClearButtonVisible(true);
        search.setValueChangeMode(ValueChangeMode.LAZY);
        search.setWidth("24rem");
        search.setMaxWidth("100%");
        search.addValueChangeListener(e -> grid.getDataProvider().refreshAll());

        List<NamespaceSummary> namespaces = browse.namespaces(session.caller());
        namespace.setId("repository-namespace");
        namespace.setPlaceholder("All namespaces");
        namespace.setAriaLabel("Namespace");
        namespace.setItems(namespaces);
        namespace.setItemLabelGenerator(n -> n.namespace() + " (" + n.repositories() + ")");
        namespace.setClearButtonVisible(true);
        namespace.setVisible(!namespaces.isEmpty());
        namespace.addValueChangeListener(e -> grid.getDataProvider().refreshAll());

        HorizontalLayout filters = new HorizontalLayout(search, namespace);
        filters.setWrap(true);
        filters.setWidthFull();
        filters.setAlignItems(FlexComponent.Alignment.BASELINE);

        grid.setId("repositories");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.addComponentColumn(RepositoriesView::link).setHeader("Repository").setKey("name")
                .setSortable(true).setSortProperty(RepositorySort.NAME.name()).setFlexGrow(3).setResizable(true);
        grid.addColumn(RepositorySummary::tags).setHeader("Tags").setKey("tags")
                .setTextAlign(ColumnTextAlign.END).setFlexGrow(0).setWidth("6rem");
        grid.addColumn(r -> Format.bytes(r.storedBytes())).setHeader("Size").setKey("size")
                .setSortable(true).setSortProperty(RepositorySort.SIZE.name())
                .setTextAlign(ColumnTextAlign.END).setFlexGrow(0).setWidth("8rem");
        grid.addColumn(r -> Format.time(r.lastPush())).setHeader("Last push").setKey("last-push")
                .setSortable(true).setSortProperty(RepositorySort.LAST_PUSH.name()).setFlexGrow(1);
        grid.setItems(
                query -> browse.page(session.caller(), query(query.getSortOrders()), query.getOffset(), query.getLimit())
                        .stream(),
                query -> (int) Math.min(Integer.MAX_VALUE, browse.count(session.caller(), query(query.getSortOrders()))));
        grid.addItemClickListener(e -> open(e.getItem()));
        grid.setEmptyStateText("No repository matches. Clients create repositories by pushing: "
                + "docker push HOST/NAMESPACE/NAME:TAG");
        grid.setSizeFull();

        add(new H2("Repositories"), filters, grid);
    }

    private RepositoryQuery query(List<QuerySortOrder> sortOrders) {
        RepositorySort sort = RepositorySort.NAME;
        boolean descending = false;
        if (!sortOrders.isEmpty()) {
            sort = RepositorySort.valueOf(sortOrders.get(0).getSorted());
            descending = sortOrders.get(0).getDirection() == SortDirection.DESCENDING;
        }
        String inNamespace = namespace.getValue() == null ? "" : namespace.getValue().namespace();
        return new RepositoryQuery(search.getValue(), inNamespace, sort, descending);
    }

    /**
     * A real link, so the keyboard (Tab, Enter) and "open in a new tab" work too. A repository with no
     * tags and no manifests is marked empty rather than hidden: it exists from its first upload, before
     * its first manifest, and stays pushable and deletable.
     */
    private static Component link(RepositorySummary repository) {
        Anchor link = new Anchor(RepositoryView.path(repository.name()), repository.name().value());
        link.getElement().setAttribute("router-link", true);
        link.addClassName("berth-repository-link");
        if (repository.tags() > 0 || repository.manifests() > 0) {
            return link;
        }
        Span empty = Widgets.badge("empty", Widgets.Tone.NEUTRAL);
        empty.addClassName("berth-empty-repository");
        empty.setTitle("No tags and no manifests");
        HorizontalLayout both = new HorizontalLayout(link, empty);
        both.setSpacing(true);
        both.setAlignItems(FlexComponent.Alignment.BASELINE);
        return both;
    }

    private static void open(RepositorySummary repository) {
        UI.getCurrent().navigate(RepositoryView.path(repository.name()));
    }
}
