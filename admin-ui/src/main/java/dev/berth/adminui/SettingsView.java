package dev.berth.adminui;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.system.EffectiveSettings;
import dev.berth.application.system.ShowSettings;
import jakarta.inject.Inject;

import java.util.Locale;

/**
 * The configuration Berth runs with, read only: every key it read, the value in effect and where it
 * came from (file, environment, default), secrets masked. Changing it stays with the file and the
 * environment, which the operator's deployment owns.
 */
@Route(value = "settings", layout = MainLayout.class)
@PageTitle("Berth · Settings")
public class SettingsView extends VerticalLayout implements AdminOnly {

    @Inject
    public SettingsView(AdminSession session, ShowSettings show) {
        setWidthFull();
        EffectiveSettings effective = show.show(session.caller());
        Paragraph file = new Paragraph(effective.file()
                .map(f -> "Read from " + f + " and the REGISTRY_* environment; environment variables win.")
                .orElse("No configuration file: the REGISTRY_* environment and Berth's defaults."));
        file.setId("settings-file");
        Paragraph how = new Paragraph("Values are read at start; change the file or the environment and restart "
                + "Berth to change them. Secrets (passwords, keys, tokens) are never shown.");

        Grid<EffectiveSettings.Setting> grid = new Grid<>();
        grid.setId("settings-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(EffectiveSettings.Setting::key).setHeader("Key").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(s -> s.value().isEmpty() ? "(not set)" : s.value()).setHeader("Value").setFlexGrow(1)
                .setTooltipGenerator(EffectiveSettings.Setting::value);
        grid.addColumn(EffectiveSettings.Setting::source).setHeader("Source").setAutoWidth(true).setFlexGrow(0);
        grid.setItems(effective.settings());

        TextField filter = new TextField();
        filter.setId("settings-filter");
        filter.setPlaceholder("Filter by key, value or source");
        filter.setPrefixComponent(VaadinIcon.SEARCH.create());
        filter.setClearButtonVisible(true);
        filter.setValueChangeMode(ValueChangeMode.LAZY);
        filter.setWidth("24em");
        filter.addValueChangeListener(e -> {
            String wanted = e.getValue().trim().toLowerCase(Locale.ROOT);
            grid.setItems(effective.settings().stream().filter(s -> (s.key() + " " + s.value() + " " + s.source())
                    .toLowerCase(Locale.ROOT).contains(wanted)).toList());
            // auto widths are measured on the rows first shown; the rows left may be wider
            grid.recalculateColumnWidths();
        });
        add(new H2("Settings"), file, how, filter, grid);
        setFlexGrow(1, grid);
        setHeightFull();
    }
}
