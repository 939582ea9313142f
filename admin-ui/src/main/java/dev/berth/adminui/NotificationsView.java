package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.event.Delivery;
import dev.berth.application.event.EndpointStatus;
import dev.berth.application.event.ListDeliveries;
import dev.berth.application.event.ListNotificationEndpoints;
import dev.berth.application.event.RetryDeliveries;
import dev.berth.domain.Digest;
import jakarta.inject.Inject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Webhook endpoints and their deliveries, as Harbor shows them: the endpoints with how each stands,
 * and below, the selected endpoint's deliveries, newest first, loaded a page at a time, with
 * <em>Retry now</em> for a queue that waits. {@code notifications?endpoint=NAME} opens with NAME
 * selected.
 *
 * <p>Deliveries change in the background; the page shows them as of its last refresh. It does not
 * poll: polling would keep the session alive past its idle timeout while the tab stays open.
 */
@Route(value = "notifications", layout = MainLayout.class)
@PageTitle("Berth · Notifications")
public class NotificationsView extends VerticalLayout implements AdminOnly, BeforeEnterObserver {

    private final AdminSession session;
    private final ListNotificationEndpoints listEndpoints;
    private final ListDeliveries listDeliveries;
    private final RetryDeliveries retry;
    private final Clock clock;
    private final Grid<EndpointStatus> endpoints = new Grid<>();
    private final Div detail = new Div();
    private final Span total = new Span();
    private String selected;

    @Inject
    public NotificationsView(AdminSession session, ListNotificationEndpoints listEndpoints,
                             ListDeliveries listDeliveries, RetryDeliveries retry, Clock clock) {
        this.session = session;
        this.listEndpoints = listEndpoints;
        this.listDeliveries = listDeliveries;
        this.retry = retry;
        this.clock = clock;
        setWidthFull();
        Button refresh = new Button("Refresh", VaadinIcon.REFRESH.create(), e -> refresh());
        refresh.setId("notifications-refresh");
        HorizontalLayout title = new HorizontalLayout(new H2("Notifications"), refresh);
        title.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(title, new Paragraph("Webhook endpoints get an event for every push, pull, delete and mount, oldest "
                + "first; a failed delivery is retried, backing off, until the receiver takes it."));

        endpoints.setId("endpoints-grid");
        endpoints.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        endpoints.addColumn(s -> s.endpoint().name()).setHeader("Name").setAutoWidth(true);
        endpoints.addColumn(s -> s.endpoint().shownUrl()).setHeader("URL").setFlexGrow(2)
                .setTooltipGenerator(s -> s.endpoint().shownUrl());
        // a fixed width: the badge's text changes (failing, enabled) after the width was measured
        endpoints.addComponentColumn(NotificationsView::stateBadge).setHeader("State").setWidth("7.5em")
                .setFlexGrow(0);
        endpoints.addColumn(s -> status(s.lastStatus())).setHeader("Last status").setFlexGrow(1)
                .setTooltipGenerator(s -> status(s.lastStatus()));
        endpoints.addColumn(EndpointStatus::consecutiveFailures).setHeader("Failures in a row").setAutoWidth(true)
                .setFlexGrow(0);
        endpoints.addColumn(EndpointStatus::queueDepth).setHeader("Waiting").setAutoWidth(true).setFlexGrow(0);
        endpoints.addColumn(this::nextAttempt).setHeader("Next attempt").setAutoWidth(true).setFlexGrow(0);
        endpoints.addColumn(EndpointStatus::delivered).setHeader("Delivered").setAutoWidth(true).setFlexGrow(0);
        endpoints.setAllRowsVisible(true);
        endpoints.asSingleSelect().addValueChangeListener(e -> {
            if (e.isFromClient()) {
                show(e.getValue() == null ? null : e.getValue().endpoint().name(), true);
            }
        });
        detail.setId("endpoint-detail");
        detail.setWidthFull();
        total.setId("deliveries-total");
        add(endpoints, detail);
        refresh();
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        event.getLocation().getQueryParameters().getSingleParameter("endpoint").ifPresent(name -> show(name, false));
    }

    private void refresh() {
        show(selected, false);
    }

    /**
     * Reads the endpoints again and shows {@code name}'s deliveries as they are now.
     *
     * @param remember whether the address bar should say which endpoint is shown (not while navigating there)
     */
    private void show(String name, boolean remember) {
        List<EndpointStatus> statuses = listEndpoints.list(session.caller());
        endpoints.setItems(statuses);
        detail.removeAll();
        Optional<EndpointStatus> status = statuses.stream().filter(s -> s.endpoint().name().equals(name)).findFirst();
        if (name != null && status.isEmpty()) {
            Feedback.failed("There is no endpoint '" + name + "'");
        }
        selected = status.map(s -> s.endpoint().name()).orElse(null);
        if (statuses.isEmpty()) {
            Paragraph none = new Paragraph("No endpoints: add them under notifications.endpoints in the "
                    + "configuration file and restart (see docs/notifications.md).");
            none.setId("no-endpoints");
            detail.add(none);
        } else if (status.isEmpty()) {
            detail.add(new Paragraph("Select an endpoint to see its deliveries."));
        } else {
            endpoints.asSingleSelect().setValue(status.get());
            if (remember) {
                UI.getCurrent().getPage().getHistory().replaceState(null,
                        "notifications?endpoint=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
            }
            showDetail(status.get());
        }
    }

    private void showDetail(EndpointStatus s) {
        H3 title = new H3(s.endpoint().name());
        title.setId("endpoint-name");
        Div facts = new Div(
                Widgets.row("URL", s.endpoint().shownUrl(), "endpoint-url"),
                Widgets.row("Last attempt", s.lastAttemptAt() == null ? "never"
                        : Widgets.time(s.lastAttemptAt()) + " — " + status(s.lastStatus()), "endpoint-last-attempt"),
                Widgets.row("Last success", s.lastSuccessAt() == null ? "never" : Widgets.time(s.lastSuccessAt()),
                        "endpoint-last-success"),
                Widgets.row("Failures", s.consecutiveFailures() + " in a row, " + s.totalFailures() + " in all",
                        "endpoint-failures"),
                Widgets.row("Waiting", String.valueOf(s.queueDepth()), "endpoint-waiting"),
                Widgets.row("Next attempt", nextAttempt(s), "endpoint-next-attempt"),
                Widgets.row("Delivered", String.valueOf(s.delivered()), "endpoint-delivered"));
        facts.getStyle().set("margin-bottom", "var(--lumo-space-s)");
        detail.add(title, facts);
        if (s.endpoint().disabled()) {
            detail.add(new Paragraph("This endpoint is disabled: nothing is queued or sent for it until it is "
                    + "enabled in the configuration."));
        } else if (s.queueDepth() > 0) {
            Button retryNow = new Button("Retry now", VaadinIcon.ROTATE_RIGHT.create(), e -> retry(s));
            retryNow.setId("retry-now");
            retryNow.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            // one button per endpoint, not per delivery: deliveries go strictly oldest first (see RetryDeliveries)
            Span why = new Span("Sends the waiting deliveries now, oldest first, instead of after the backoff.");
            why.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
            HorizontalLayout actions = new HorizontalLayout(retryNow, why);
            actions.setAlignItems(FlexComponent.Alignment.CENTER);
            actions.setWrap(true);
            detail.add(actions);
        }
        detail.add(new H3("Deliveries"), total, deliveriesGrid(s.endpoint().name()));
    }

    private void retry(EndpointStatus s) {
        String name = s.endpoint().name();
        switch (retry.retry(session.caller(), session.address(), name)) {
            case DUE_NOW -> Feedback.done("The deliveries to " + name + " are due now: Refresh to see them go out");
            case NOTHING_WAITING -> Feedback.done("Nothing waits for " + name + " any more");
            case DISABLED -> Feedback.failed(name + " is disabled: enable it in the configuration first");
            case NO_SUCH_ENDPOINT -> Feedback.failed("There is no endpoint '" + name + "' any more");
        }
        refresh();
    }

    private Grid<Delivery> deliveriesGrid(String endpoint) {
        Grid<Delivery> grid = new Grid<>();
        grid.setId("deliveries-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        grid.addColumn(d -> Widgets.time(d.queuedAt())).setHeader("Time").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(Delivery::action).setHeader("Action").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(d -> orDash(d.repository())).setHeader("Repository").setFlexGrow(2)
                .setTooltipGenerator(d -> orDash(d.repository()));
        grid.addColumn(NotificationsView::tagOrDigest).setHeader("Tag or digest").setFlexGrow(1)
                .setTooltipGenerator(d -> orDash(d.digest()));
        grid.addComponentColumn(NotificationsView::deliveryBadge).setHeader("State").setAutoWidth(true)
                .setFlexGrow(0);
        grid.addColumn(Delivery::attempts).setHeader("Attempts").setAutoWidth(true).setFlexGrow(0);
        grid.addColumn(d -> status(d.lastStatus())).setHeader("Last status").setFlexGrow(2)
                .setTooltipGenerator(d -> status(d.lastStatus()));
        grid.addColumn(this::when).setHeader("Next attempt / delivered").setAutoWidth(true).setFlexGrow(0);
        grid.setColumnReorderingAllowed(true);
        grid.setItems(query -> listDeliveries.page(session.caller(), endpoint, query.getOffset(), query.getLimit())
                .stream(), query -> count(endpoint));
        // a few deliveries take only their own height; many scroll within the grid, loaded as they show
        boolean few = listDeliveries.count(session.caller(), endpoint) <= 12;
        grid.setAllRowsVisible(few);
        grid.setHeight(few ? null : "min(32em, 60vh)");
        return grid;
    }

    private int count(String endpoint) {
        long count = listDeliveries.count(session.caller(), endpoint);
        total.setText(count == 1 ? "1 delivery (waiting, and delivered within the retention period)"
                : count + " deliveries (waiting, and delivered within the retention period)");
        return (int) Math.min(count, Integer.MAX_VALUE);
    }

    private String nextAttempt(EndpointStatus s) {
        if (s.endpoint().disabled()) {
            return "— (disabled)";
        }
        return s.queueDepth() == 0 ? "— (nothing waiting)" : attemptAt(s.nextAttemptAt(), clock.instant());
    }

    private String when(Delivery d) {
        if (d.deliveredAt() != null) {
            return "delivered " + Widgets.time(d.deliveredAt());
        }
        return d.nextAttemptAt() == null ? "— (endpoint disabled)" : attemptAt(d.nextAttemptAt(), clock.instant());
    }

    /** A next attempt already past happens at the worker's next poll: "now" says so better than an old time. */
    static String attemptAt(Instant next, Instant now) {
        return next.isAfter(now) ? Widgets.time(next) : "now";
    }

    /** The stored status is an HTTP status code, or the error that prevented an answer. */
    static String status(String lastStatus) {
        if (lastStatus == null) {
            return "—";
        }
        return lastStatus.chars().allMatch(Character::isDigit) && !lastStatus.isEmpty() ? "HTTP " + lastStatus
                : lastStatus;
    }

    /** The tag when the event names one (docker users think in tags), else the short digest. */
    static String tagOrDigest(Delivery d) {
        if (d.tag() != null) {
            return d.tag();
        }
        if (d.digest() == null) {
            return "—";
        }
        return Format.shortDigest(Digest.parse(d.digest()));
    }

    private static String orDash(String value) {
        return value == null ? "—" : value;
    }

    private static Component stateBadge(EndpointStatus s) {
        if (s.endpoint().disabled()) {
            return Widgets.badge("disabled", Widgets.Tone.NEUTRAL);
        }
        return s.consecutiveFailures() > 0 ? Widgets.badge("failing", Widgets.Tone.ERROR)
                : Widgets.badge("enabled", Widgets.Tone.SUCCESS);
    }

    private static Component deliveryBadge(Delivery d) {
        Span badge = switch (d.state()) {
            case PENDING -> Widgets.badge("pending", Widgets.Tone.NEUTRAL);
            case FAILED -> Widgets.badge("failed", Widgets.Tone.ERROR);
            case DELIVERED -> Widgets.badge("delivered", Widgets.Tone.SUCCESS);
        };
        badge.addClassName("delivery-" + d.state().name().toLowerCase(Locale.ROOT));
        return badge;
    }
}
