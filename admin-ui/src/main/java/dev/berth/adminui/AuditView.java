package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.access.SearchAuditEvents;
import dev.berth.application.port.AuditLog;
import jakarta.inject.Inject;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Who did what, when, from where: newest first, loaded a page at a time, filtered by actor, action,
 * days (UTC) and outcome. {@code audit?actor=NAME} opens filtered by that actor.
 */
@Route(value = "audit", layout = MainLayout.class)
@PageTitle("Berth · Audit log")
public class AuditView extends VerticalLayout implements AdminOnly, BeforeEnterObserver {

    static final String ANY = "Any";
    static final String SUCCESS = "Successes";
    static final String FAILURE = "Failures";

    private final AdminSession session;
    private final SearchAuditEvents search;
    private final Grid<AuditLog.Event> grid = new Grid<>();
    private final TextField actor = new TextField("Who");
    private final ComboBox<String> action = new ComboBox<>("What");
    private final DatePicker from = new DatePicker("From (UTC)");
    private final DatePicker to = new DatePicker("To (UTC)");
    private final Select<String> outcome = new Select<>();
    private final Span total = new Span();
    private AuditLog.Filter filter = AuditLog.Filter.ALL;

    @Inject
    public AuditView(AdminSession session, SearchAuditEvents search) {
        this.session = session;
        this.search = search;
        setSizeFull();
        add(new H2("Audit log"), filters(), total);
        total.setId("audit-total");

        grid.setId("audit-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(e -> Widgets.time(e.at())).setHeader("Time").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(AuditLog.Event::actor).setHeader("Who").setAutoWidth(true);
        grid.addColumn(AuditLog.Event::address).setHeader("From").setAutoWidth(true);
        grid.addColumn(AuditLog.Event::action).setHeader("What").setAutoWidth(true);
        grid.addColumn(AuditLog.Event::target).setHeader("Target").setAutoWidth(true);
        grid.addComponentColumn(AuditView::outcomeBadge).setHeader("Outcome").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(AuditView::detail).setHeader("Detail").setFlexGrow(1)
                .setTooltipGenerator(AuditView::detail);
        grid.setColumnReorderingAllowed(true);
        grid.setItems(query -> search.page(session.caller(), filter, query.getOffset(), query.getLimit()).stream(),
                query -> count());
        grid.setSizeFull();
        addAndExpand(grid);
        setFlexGrow(1, grid);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        event.getLocation().getQueryParameters().getSingleParameter("actor").ifPresent(actor::setValue);
    }

    private Component filters() {
        actor.setId("audit-actor");
        actor.setPlaceholder("user name");
        actor.setClearButtonVisible(true);
        actor.setValueChangeMode(ValueChangeMode.LAZY);
        action.setId("audit-action");
        action.setItems(SearchAuditEvents.KNOWN_ACTIONS);
        action.setAllowCustomValue(true);
        action.addCustomValueSetListener(e -> action.setValue(e.getDetail()));
        action.setClearButtonVisible(true);
        action.setPlaceholder("any action");
        from.setId("audit-from");
        from.setClearButtonVisible(true);
        to.setId("audit-to");
        to.setClearButtonVisible(true);
        outcome.setId("audit-outcome");
        outcome.setLabel("Outcome");
        outcome.setItems(ANY, SUCCESS, FAILURE);
        outcome.setValue(ANY);
        actor.addValueChangeListener(e -> apply());
        action.addValueChangeListener(e -> apply());
        from.addValueChangeListener(e -> apply());
        to.addValueChangeListener(e -> apply());
        outcome.addValueChangeListener(e -> apply());
        Button clear = new Button("Clear filters", e -> {
            actor.clear();
            action.clear();
            from.clear();
            to.clear();
            outcome.setValue(ANY);
        });
        clear.setId("audit-clear");
        clear.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        actor.setWidth("10em");
        action.setWidth("13em");
        from.setWidth("10em");
        to.setWidth("10em");
        outcome.setWidth("9em");
        HorizontalLayout row = new HorizontalLayout(actor, action, from, to, outcome, clear);
        row.setWrap(true);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        return row;
    }

    private void apply() {
        filter = filter(actor.getValue(), action.getValue(), from.getValue(), to.getValue(), outcome.getValue());
        grid.getDataProvider().refreshAll();
    }

    /** Whole days in UTC: "to" includes its day. */
    static AuditLog.Filter filter(String actor, String action, LocalDate from, LocalDate to, String outcome) {
        return new AuditLog.Filter(
                Optional.ofNullable(actor).map(String::trim).filter(a -> !a.isEmpty()),
                Optional.ofNullable(action).map(String::trim).filter(a -> !a.isEmpty()),
                Optional.ofNullable(from).map(d -> d.atStartOfDay(ZoneOffset.UTC).toInstant()),
                Optional.ofNullable(to).map(d -> d.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()),
                SUCCESS.equals(outcome) ? Optional.of(true) : FAILURE.equals(outcome) ? Optional.of(false)
                        : Optional.empty());
    }

    private int count() {
        long count = search.count(session.caller(), filter);
        total.setText(count == 1 ? "1 event" : count + " events");
        return (int) Math.min(count, Integer.MAX_VALUE);
    }

    private static Component outcomeBadge(AuditLog.Event event) {
        Span badge = Widgets.badge(event.success() ? "success" : "failure",
                event.success() ? Widgets.Tone.SUCCESS : Widgets.Tone.ERROR);
        badge.addClassName(event.success() ? "audit-success" : "audit-failure");
        return badge;
    }

    /** A row that stands for many attempts (throttled logins) says how many. */
    static String detail(AuditLog.Event event) {
        return event.occurrences() > 1 ? event.detail() + " (" + event.occurrences() + " times)" : event.detail();
    }
}
