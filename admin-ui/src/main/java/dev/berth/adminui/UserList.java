package dev.berth.adminui;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.icon.VaadinIcon;
import dev.berth.application.access.ListUsers;
import dev.berth.domain.access.Grant;

import java.util.List;
import java.util.function.Consumer;

/** The master of the users page: every user with standing and grants, and "Create user". */
final class UserList extends Composite<Div> {

    private static final int ALL_ROWS_UP_TO = 12;

    private final Button create;
    private final Grid<ListUsers.Entry> grid = new Grid<>();

    /** @param picked called with the name the admin clicked, or null when they cleared the selection */
    UserList(Runnable onCreate, Consumer<String> picked) {
        create = new Button("Create user", VaadinIcon.PLUS.create(), e -> onCreate.run());
        create.setId("create-user");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);

        grid.setId("users-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(e -> e.user().name()).setHeader("Name").setSortable(true).setFlexGrow(2);
        grid.addColumn(e -> e.user().admin() ? "admin" : "").setHeader("Admin").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(e -> e.user().enabled() ? "yes" : "disabled").setHeader("Enabled").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(e -> e.grants().isEmpty() ? "—" : Grant.format(e.grants())).setHeader("Grants")
                .setFlexGrow(3);
        grid.asSingleSelect().addValueChangeListener(e -> {
            if (e.isFromClient()) {
                picked.accept(e.getValue() == null ? null : e.getValue().user().name());
            }
        });
    }

    @Override
    protected Div initContent() {
        return Widgets.column(2, "320px", create, grid);
    }

    void show(List<ListUsers.Entry> entries) {
        grid.setItems(entries);
        // a short list takes only its own height; a long one scrolls within the grid
        boolean few = entries.size() <= ALL_ROWS_UP_TO;
        grid.setAllRowsVisible(few);
        grid.setHeight(few ? null : "min(30em, 50vh)");
    }

    /** Marks {@code entry} as the one shown; null marks none. */
    void mark(ListUsers.Entry entry) {
        if (entry == null) {
            grid.asSingleSelect().clear();
        } else {
            grid.asSingleSelect().setValue(entry);
        }
    }
}
