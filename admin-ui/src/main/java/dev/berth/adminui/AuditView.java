package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
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
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.server.streams.DownloadHandler;
import dev.berth.application.access.ExportAuditEvents;
import dev.berth.application.access.SearchAuditEvents;
import dev.berth.application.port.AuditLog;
import dev.berth.domain.access.Caller;
import jakarta.inject.Inject;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who did what, when, from where: newest first, loaded a page at a time, filtered by actor, action,
 * days (UTC) and outcome, and exported as CSV or JSON as filtered. {@code audit?actor=NAME} opens
 * filtered by that actor. Digests are shortened as docker shows them, whole in the tooltip.
 */
@Route(value = "audit", layout = MainLayout.class)
@PageTitle("Berth · Audit log")
public class AuditView extends VerticalLayout implements AdminOnly, BeforeEnterObserver {

    static final String ANY = "Any";
    static final String SUCCESS = "Successes";
    static final String FAILURE = "Failures";

    private final AdminSession session;
    private final SearchAuditEvents search;
    private final ExportAuditEvents export;
    private final Grid<AuditLog.Event> grid = new Grid<>();
    private final TextField actor = new TextField("Who");
    private final ComboBox<String> action = new ComboBox<>("What");
    private final DatePicker from = new DatePicker("From (UTC)");
    private final DatePicker to = new DatePicker("To (UTC)");
    private final Select<String> outcome = new Select<>();
    private final Span total = new Span();
    private AuditLog.Filter filter = AuditLog.Filter.ALL;

    @Inject
    public AuditView(AdminSession session, SearchAuditEvents search, ExportAuditEvents export) {
        this.session = session;
        this.search = search;
        this.export = export;
        setSizeFull();
        HorizontalLayout summary = new HorizontalLayout(total, exportLink(ExportAuditEvents.Format.CSV),
                exportLink(ExportAuditEvents.Format.JSON));
        summary.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(new H2("Audit log"), filters(), summary);
        total.setId("audit-total");

        grid.setId("audit-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(e -> Widgets.time(e.at())).setHeader("Time").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(AuditLog.Event::actor).setHeader("Who").setAutoWidth(true);
        grid.addColumn(AuditLog.Event::address).setHeader("From").setAutoWidth(true);
        grid.addColumn(AuditLog.Event::action).setHeader("What").setAutoWidth(true);
        grid.addColumn(e -> shortened(e.target())).setHeader("Target").setAutoWidth(true)
                .setTooltipGenerator(AuditLog.Event::target);
        grid.addComponentColumn(AuditView::outcomeBadge).setHeader("Outcome").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(e -> shortened(detail(e))).setHeader("Detail").setFlexGrow(1)
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

    /**
     * A download of every event the current filters find; the caller is checked again when it is
     * fetched (a download runs outside the page's lock, so the session is locked for that moment).
     */
    private Anchor exportLink(ExportAuditEvents.Format format) {
        String extension = format.name().toLowerCase(Locale.ROOT);
        Anchor link = new Anchor((DownloadHandler) event -> {
            VaadinSession vaadin = event.getSession();
            vaadin.lock();
            Caller caller;
            AuditLog.Filter current;
            try {
                caller = session.caller();
                current = filter;
            } finally {
                vaadin.unlock();
            }
            event.setFileName("berth-audit." + extension);
            event.setContentType(format == ExportAuditEvents.Format.CSV ? "text/csv; charset=utf-8"
                    : "application/json");
            export.export(caller, current, format, event.getOutputStream());
        }, AttachmentType.DOWNLOAD, "Export " + format.name());
        link.setId("audit-export-" + extension);
        return link;
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

    private static final Pattern DIGEST = Pattern.compile("(sha256:[0-9a-f]{12})[0-9a-f]{52}|(sha512:[0-9a-f]{12})[0-9a-f]{116}");

    /** Digests as docker shows them, 12 hex digits and an ellipsis, so that the columns fit. */
    static String shortened(String text) {
        return DIGEST.matcher(text).replaceAll(m -> (m.group(1) != null ? m.group(1) : m.group(2)) + "…");
    }

    /** A row that stands for many attempts (throttled logins) says how many. */
    static String detail(AuditLog.Event event) {
        return event.occurrences() > 1 ? event.detail() + " (" + event.occurrences() + " times)" : event.detail();
    }
}
