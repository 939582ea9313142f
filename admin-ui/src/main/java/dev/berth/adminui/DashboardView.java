package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.Command;
import com.vaadin.flow.shared.Registration;
import dev.berth.application.browse.BrowseRepositories;
import dev.berth.application.browse.RegistryStatistics;
import dev.berth.application.browse.RepositoryQuery;
import dev.berth.application.browse.RepositorySort;
import dev.berth.application.browse.ShowRegistryStatistics;
import dev.berth.application.gc.CollectGarbage;
import dev.berth.application.gc.GarbageCollectionProgress;
import dev.berth.application.gc.ShowGarbageCollection;
import dev.berth.application.port.GarbageCollectionStore.Run;
import dev.berth.application.maintenance.MaintenanceMode;
import dev.berth.application.system.DatabaseStatus;
import dev.berth.application.system.DescribeSystem;
import dev.berth.application.system.SystemOverview;
import dev.berth.domain.access.Caller;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.Optional;

/**
 * The first page after signing in. Administrators see what the registry holds and today's traffic,
 * what runs, where data lives and whether it is healthy; other users see what they may pull.
 */
@Route(value = "", layout = MainLayout.class)
@PageTitle("Berth · Overview")
public class DashboardView extends VerticalLayout {

    @Inject
    public DashboardView(DescribeSystem describeSystem, ShowRegistryStatistics statistics, BrowseRepositories browse,
                         ShowGarbageCollection showGarbageCollection, CollectGarbage collectGarbage,
                         AdminSession session, MaintenanceMode mode) {
        Caller caller = session.caller();
        SystemOverview overview = describeSystem.describe();
        add(new H1("Berth " + overview.version()));
        if (!caller.admin()) {
            long pullable = browse.count(caller, new RepositoryQuery("", "", RepositorySort.NAME, false));
            add(section("Your access",
                    row("Repositories you may pull", String.valueOf(pullable), "stat-repositories")));
            return;
        }
        RegistryStatistics numbers = statistics.show(caller);
        add(section("Registry",
                row("Repositories", String.valueOf(numbers.repositories()), "stat-repositories"),
                row("Tags", String.valueOf(numbers.tags()), "stat-tags"),
                row("Manifests", String.valueOf(numbers.manifests()), "stat-manifests"),
                row("Blobs", String.valueOf(numbers.blobs()), "stat-blobs"),
                row("Stored (deduplicated)", Format.bytes(numbers.storedBytes()), "stat-stored"),
                row("Pushes today (UTC)", String.valueOf(numbers.pushesToday()), "stat-pushes-today"),
                row("Pulls today (UTC)", String.valueOf(numbers.pullsToday()), "stat-pulls-today")));
        var storage = overview.storage();
        var database = overview.database();
        add(section("Server",
                row("Listening on", overview.listenAddress(), "listen-address"),
                row("Uptime", humanize(overview.uptime()), "uptime")));
        add(section("Storage",
                row("Driver", storage.driver(), "storage-driver"),
                row("Location", storage.location(), "storage-location"),
                row("Writable", storage.writable() ? "yes" : "no — " + storage.problem(), "storage-writable"),
                row("Read-only mode", mode.readOnly() ? "on: pushes and deletions are refused" : "off",
                        "storage-read-only")));
        add(section("Database",
                row("Mode", database.mode(), "database-mode"),
                row("Location", database.location(), "database-location"),
                row("Schema version", database.reachable() ? database.schemaVersion()
                        : "unreachable — " + database.problem(), "schema-version"),
                row("Installation", database.installationId() == null ? "—" : database.installationId(),
                        "installation-id"),
                row("Crash safety", durability(database), "database-durability")));
        add(garbageCollection(showGarbageCollection, collectGarbage, caller));
    }

    /**
     * The last run, the queues, and "run now" (deploy/docs/garbage-collection.md). A run on a large
     * registry takes minutes: it goes on its own thread and the page polls its progress meanwhile.
     */
    private static Component garbageCollection(ShowGarbageCollection show, CollectGarbage collect, Caller caller) {
        ShowGarbageCollection.Status status = show.show(caller);
        Component last = row("Last run", lastRun(status.lastRun()), "gc-last-run");
        Component queue = row("Waiting for review", status.queue().blobs() + " blobs, " + status.queue().manifests()
                + " manifests; " + status.queue().pendingDeletions() + " blobs condemned", "gc-queue");
        Component progressRow = row("This run", "", "gc-progress");
        progressRow.setVisible(false);
        Span progressText = (Span) progressRow.getChildren().toList().get(1);
        Button run = new Button("Run garbage collection now");
        run.setId("gc-run-now");
        run.setDisableOnClick(true);
        run.addClickListener(click -> {
            UI ui = UI.getCurrent();
            GarbageCollectionProgress progress = new GarbageCollectionProgress();
            progressText.setText(describe(progress));
            progressRow.setVisible(true);
            Registration polling = ui.addPollListener(poll -> progressText.setText(describe(progress)));
            ui.setPollInterval(POLL_MS);
            Thread.ofVirtual().name("berth-gc-run-now").start(() -> {
                Optional<Run> done;
                try {
                    done = collect.collectNow(caller, progress);
                } catch (RuntimeException e) {
                    onPage(ui, () -> {
                        stopPolling(ui, polling);
                        progressText.setText("failed: " + e.getMessage());
                        Feedback.failed("Garbage collection failed: " + e.getMessage());
                        run.setEnabled(true);
                    });
                    return;
                }
                onPage(ui, () -> {
                    stopPolling(ui, polling);
                    if (done.isEmpty()) {
                        progressRow.setVisible(false);
                        Feedback.failed("Another Berth node is collecting garbage now; try again later");
                    } else {
                        progressText.setText(describe(progress));
                        ((Span) last.getChildren().toList().get(1)).setText(lastRun(done));
                        Feedback.done("Garbage collection " + (done.get().skipped().isPresent() ? "skipped" : "done"));
                    }
                    run.setEnabled(true);
                });
            });
        });
        return section("Garbage collection", last, queue, progressRow, run);
    }

    /** How often the page asks for the progress of a run it started. */
    private static final int POLL_MS = 500;

    /** Shows the outcome if the page is still open; if not, the run's row and the audit log keep it. */
    private static void onPage(UI ui, Command update) {
        try {
            ui.access(update);
        } catch (UIDetachedException e) {
            // the administrator left the page: nothing to show it on
        }
    }

    private static void stopPolling(UI ui, Registration polling) {
        polling.remove();
        ui.setPollInterval(-1);
    }

    /** e.g. "reviewing blobs: 1234 reviewed; freed so far 600 blobs (12.0 MiB), 0 orphans, 0 untagged manifests" */
    static String describe(GarbageCollectionProgress progress) {
        return progress.phase().description() + ": " + progress.reviewed() + " reviewed; freed "
                + (progress.phase() == GarbageCollectionProgress.Phase.DONE ? "" : "so far ")
                + progress.blobsFreed() + " blobs (" + Format.bytes(progress.bytesFreed()) + "), "
                + progress.orphansFreed() + " orphans (" + Format.bytes(progress.orphanBytesFreed()) + "), "
                + progress.manifestsFreed() + " untagged manifests";
    }

    private static String lastRun(Optional<Run> run) {
        if (run.isEmpty()) {
            return "never";
        }
        Run r = run.get();
        if (r.skipped().isPresent()) {
            return r.finishedAt() + ": skipped, " + r.skipped().get();
        }
        return r.finishedAt() + " by " + r.startedBy() + (r.dryRun() ? ", dry run: would free " : ": freed ")
                + r.blobsFreed() + " blobs (" + Format.bytes(r.bytesFreed()) + "), " + r.orphansFreed() + " orphans ("
                + Format.bytes(r.orphanBytes()) + "), " + r.manifestsFreed() + " untagged manifests in "
                + Duration.between(r.startedAt(), r.finishedAt()).toMillis() + " ms";
    }

    /** e.g. "durable (fsync on, full_page_writes on, synchronous_commit on)": what a power cut may cost. */
    private static String durability(DatabaseStatus.DatabaseReport database) {
        if (database.durability().isEmpty()) {
            return "unknown";
        }
        return (database.durable() ? "durable" : "NOT durable: acknowledged pushes may be lost in a crash") + " ("
                + database.durabilitySettings() + ")";
    }

    private static Component section(String title, Component... rows) {
        Div section = new Div(new H2(title));
        section.add(rows);
        section.addClassNames("berth-section");
        return section;
    }

    private static Component row(String label, String value, String id) {
        Span labelSpan = new Span(label + ": ");
        labelSpan.getStyle().set("font-weight", "600");
        Span valueSpan = new Span(value);
        valueSpan.setId(id);
        return new Div(labelSpan, valueSpan);
    }

    static String humanize(Duration d) {
        long days = d.toDays();
        if (days > 0) {
            return days + " d " + d.toHoursPart() + " h";
        }
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        }
        return d.toSeconds() + " s";
    }
}
