package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.grid.ColumnTextAlign;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.browse.ChildManifest;
import dev.berth.application.browse.DeleteImages;
import dev.berth.application.browse.DescribeManifest;
import dev.berth.application.browse.HistoryEntry;
import dev.berth.application.browse.ImageConfig;
import dev.berth.application.browse.LayerInfo;
import dev.berth.application.browse.ManifestDetails;
import dev.berth.application.browse.PreviewDeletion;
import dev.berth.application.browse.ReferrerInfo;
import dev.berth.domain.Digest;
import dev.berth.domain.RepositoryName;
import dev.berth.domain.Tag;
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Caller;
import dev.berth.domain.error.RegistryException;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * One manifest: what it is (the image's configuration, its layers, an index's platforms), what
 * refers to it (signatures, SBOMs, attestations), its exact JSON, and deleting it.
 */
@Route(value = "manifest/:digest/:name*", layout = MainLayout.class)
@PageTitle("Berth · Manifest")
public class ManifestView extends VerticalLayout implements BeforeEnterObserver {

    private final DescribeManifest describe;
    private final PreviewDeletion preview;
    private final DeleteImages delete;
    private final AdminSession session;

    @Inject
    public ManifestView(DescribeManifest describe, PreviewDeletion preview, DeleteImages delete, AdminSession session) {
        this.describe = describe;
        this.preview = preview;
        this.delete = delete;
        this.session = session;
    }

    static String path(RepositoryName name, Digest digest) {
        return "manifest/" + digest + "/" + name.value();
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        removeAll();
        Caller caller = session.caller();
        Optional<ManifestDetails> details;
        try {
            RepositoryName name = RepositoryName.parse(event.getRouteParameters().get("name").orElse(""));
            Digest digest = Digest.parse(event.getRouteParameters().get("digest").orElse(""));
            details = Optional.of(describe.describe(caller, name, digest));
        } catch (RegistryException | IllegalArgumentException e) {
            details = Optional.empty();
        }
        if (details.isEmpty()) {
            H2 missing = new H2("No such manifest");
            missing.setId("manifest-missing");
            add(missing, new Paragraph("It does not exist, was deleted, or you may not pull from its repository."),
                    new Anchor("repositories", "All repositories"));
            return;
        }
        show(details.get(), caller);
    }

    private void show(ManifestDetails m, Caller caller) {
        Anchor repository = new Anchor(RepositoryView.path(m.repository()), m.repository().value());
        repository.getElement().setAttribute("router-link", true);
        repository.setId("manifest-repository");
        H2 title = new H2(Format.shortDigest(m.digest()));
        title.setId("manifest-title");
        HorizontalLayout header = new HorizontalLayout(repository, title);
        header.setWidthFull();
        header.setAlignItems(FlexComponent.Alignment.BASELINE);
        if (caller.allows(Action.DELETE, m.repository())) {
            Button remove = new Button("Delete manifest", VaadinIcon.TRASH.create(), e -> confirmDeletion(m));
            remove.setId("delete-manifest");
            remove.addThemeVariants(ButtonVariant.LUMO_ERROR);
            remove.getStyle().set("margin-left", "auto");
            header.add(remove);
        }
        add(header);

        Div facts = facts(
                "Digest", m.digest().toString(), "manifest-digest",
                "Type", MediaTypes.label(m.mediaType(), m.artifactType()) + " (" + m.mediaType() + ")", "manifest-type",
                "Tags", m.tags().isEmpty() ? "none" : m.tags().stream().map(Tag::value).collect(Collectors.joining(", ")),
                "manifest-tags");
        Span total = new Span(Format.bytes(m.compressedSize()) + (m.children().isEmpty()
                ? " (manifest, config and layers)" : " (the index and its images, each blob once)"));
        total.setId("manifest-total-size");
        // the exact number, for whoever needs more than the rounded one
        total.getElement().setAttribute("data-bytes", String.valueOf(m.compressedSize()));
        total.setTitle(m.compressedSize() + " bytes");
        facts.add(row("Total size", total), facts("Manifest size", Format.bytes(m.size()), "manifest-size",
                "Pushed", Format.time(m.pushedAt()), "manifest-pushed"));
        add(facts);
        m.artifactType().ifPresent(t -> add(facts("Artifact type", t, "manifest-artifact-type")));
        if (!m.listedBy().isEmpty()) {
            Div listedBy = new Div(new Span(m.listedBy().size() == 1 ? "Listed by the index " : "Listed by the indexes "));
            listedBy.setId("manifest-listed-by");
            m.listedBy().forEach(index -> listedBy.add(link(m.repository(), index,
                    "listed-by-" + index.hex().substring(0, 12)), new Span(" ")));
            add(listedBy);
        }
        m.subject().ifPresent(s -> add(new Span("Refers to "), link(m.repository(), s, "manifest-subject")));
        add(new CopyableCommand("pull-command", "docker pull " + session.registryHost() + "/" + m.repository().value() + "@"
                + m.digest()));

        m.config().ifPresent(config -> add(section("Configuration", "config-section", configuration(config))));
        if (m.config().isEmpty() && m.configDescriptor().isPresent()) {
            add(section("Configuration", "config-section", new Paragraph("The configuration ("
                    + m.configDescriptor().get().mediaType() + ", " + Format.bytes(m.configDescriptor().get().size())
                    + ") is not an image configuration Berth can show.")));
        }
        if (!m.layers().isEmpty()) {
            add(section("Layers (" + m.layers().size() + ", " + Format.bytes(total(m.layers())) + ")", "layers-section",
                    layers(m.layers())));
        }
        if (!m.children().isEmpty()) {
            add(section("Platforms (" + m.children().size() + ")", "platforms-section", children(m)));
        }
        String firstShown = m.referrerCount() > m.referrers().size()
                ? ", the first " + m.referrers().size() + " shown" : "";
        add(section("Referrers (" + m.referrerCount() + firstShown + ")", "referrers-section",
                m.referrers().isEmpty() ? new Paragraph("No signatures, SBOMs or attestations refer to this manifest.")
                        : referrers(m)));
        if (!m.annotations().isEmpty()) {
            add(section("Annotations", "annotations-section", map(m.annotations(), "annotations")));
        }
        Pre json = new Pre(m.prettyJson());
        json.setId("manifest-json");
        json.getStyle().set("max-height", "30rem").set("overflow", "auto").set("white-space", "pre-wrap")
                .set("overflow-wrap", "anywhere");
        Details raw = section("Manifest JSON", "json-section", json);
        raw.setOpened(false);
        add(raw);
    }

    private static long total(List<LayerInfo> layers) {
        return layers.stream().mapToLong(LayerInfo::size).sum();
    }

    private static Component configuration(ImageConfig c) {
        VerticalLayout box = new VerticalLayout();
        box.setPadding(false);
        box.setSpacing(false);
        box.add(facts(
                "Platform", Format.platform(c.os(), c.architecture(), c.variant()), "config-platform",
                "Created", Format.time(c.created()), "config-created",
                "Entrypoint", command(c.entrypoint()), "config-entrypoint",
                "Command", command(c.cmd()), "config-cmd",
                "Working directory", blank(c.workingDir()), "config-workdir",
                "User", blank(c.user()), "config-user",
                "Exposed ports", c.exposedPorts().isEmpty() ? "—" : String.join(", ", c.exposedPorts()), "config-ports"));
        if (!c.env().isEmpty()) {
            Pre env = new Pre(String.join("\n", c.env()));
            env.setId("config-env");
            env.getStyle().set("white-space", "pre-wrap").set("overflow-wrap", "anywhere");
            box.add(new Span("Environment"), env);
        }
        if (!c.labels().isEmpty()) {
            box.add(new Span("Labels"), map(c.labels(), "config-labels"));
        }
        if (!c.history().isEmpty()) {
            Grid<HistoryEntry> history = new Grid<>();
            history.setId("config-history");
            history.addColumn(h -> Format.time(h.created())).setHeader("Created").setFlexGrow(0).setWidth("13rem");
            history.addColumn(HistoryEntry::createdBy).setHeader("Created by").setFlexGrow(3)
                    .setTooltipGenerator(HistoryEntry::createdBy);
            history.addColumn(h -> h.emptyLayer() ? "no" : "yes").setHeader("Layer").setFlexGrow(0).setWidth("5rem");
            history.setItems(c.history());
            history.setAllRowsVisible(true);
            box.add(new Span("History"), history);
        }
        return box;
    }

    private static Grid<LayerInfo> layers(List<LayerInfo> layers) {
        Grid<LayerInfo> grid = new Grid<>();
        grid.setId("layers");
        grid.addColumn(l -> l.digest().toString()).setHeader("Digest").setFlexGrow(3).setResizable(true);
        grid.addColumn(l -> l.mediaType().toString()).setHeader("Media type").setFlexGrow(2);
        grid.addColumn(l -> Format.bytes(l.size())).setHeader("Size").setTextAlign(ColumnTextAlign.END)
                .setFlexGrow(0).setWidth("7rem");
        grid.setItems(layers);
        grid.setAllRowsVisible(true);
        return grid;
    }

    private static Grid<ChildManifest> children(ManifestDetails m) {
        Grid<ChildManifest> grid = new Grid<>();
        grid.setId("platforms");
        grid.addColumn(c -> c.platform().map(Format::platform).orElse("—")).setHeader("Platform").setFlexGrow(1);
        grid.addComponentColumn(c -> link(m.repository(), c.digest(), null)).setHeader("Manifest").setFlexGrow(2);
        grid.addColumn(c -> MediaTypes.label(c.mediaType())).setHeader("Type").setFlexGrow(1);
        grid.addColumn(c -> Format.bytes(c.compressedSize())).setHeader("Size").setTextAlign(ColumnTextAlign.END)
                .setTooltipGenerator(c -> "The image: " + c.compressedSize() + " bytes; its manifest: " + c.size())
                .setFlexGrow(0).setWidth("7rem");
        grid.setItems(m.children());
        grid.setAllRowsVisible(true);
        return grid;
    }

    private static Grid<ReferrerInfo> referrers(ManifestDetails m) {
        Grid<ReferrerInfo> grid = new Grid<>();
        grid.setId("referrers");
        grid.addColumn(r -> r.artifactType().isEmpty() ? "—" : MediaTypes.artifact(r.artifactType()))
                .setTooltipGenerator(ReferrerInfo::artifactType).setHeader("Artifact type").setFlexGrow(2);
        grid.addComponentColumn(r -> link(m.repository(), r.digest(), null)).setHeader("Manifest").setFlexGrow(1);
        grid.addColumn(r -> Format.bytes(r.size())).setHeader("Size").setTextAlign(ColumnTextAlign.END)
                .setFlexGrow(0).setWidth("7rem");
        grid.addColumn(r -> Format.time(r.pushedAt())).setHeader("Pushed").setFlexGrow(1);
        grid.setItems(m.referrers());
        grid.setAllRowsVisible(true);
        return grid;
    }

    private static Anchor link(RepositoryName repository, Digest digest, String id) {
        Anchor link = new Anchor(path(repository, digest), Format.shortDigest(digest));
        link.getElement().setAttribute("router-link", true);
        link.setTitle(digest.toString());
        if (id != null) {
            link.setId(id);
        }
        return link;
    }

    private static Details section(String title, String id, Component content) {
        Details details = new Details(title, content);
        details.setId(id);
        details.setOpened(true);
        details.setWidthFull();
        return details;
    }

    /** Label/value rows, given as label, value, element id triples. */
    private static Div facts(String... triples) {
        Div box = new Div();
        for (int i = 0; i < triples.length; i += 3) {
            Span value = new Span(triples[i + 1]);
            value.setId(triples[i + 2]);
            box.add(row(triples[i], value));
        }
        return box;
    }

    private static Div row(String label, Span value) {
        Span name = new Span(label + ": ");
        name.getStyle().set("font-weight", "600");
        value.getStyle().set("overflow-wrap", "anywhere");
        return new Div(name, value);
    }

    private static Component map(Map<String, String> entries, String id) {
        Pre text = new Pre(entries.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n")));
        text.setId(id);
        text.getStyle().set("white-space", "pre-wrap").set("overflow-wrap", "anywhere");
        return text;
    }

    /** An exec-form command as a shell would show it. */
    private static String command(List<String> words) {
        return words.isEmpty() ? "—" : words.stream().map(w -> w.matches("[\\w./:=@%+-]+") ? w : "'" + w.replace("'", "'\\''") + "'")
                .collect(Collectors.joining(" "));
    }

    private static String blank(String value) {
        return value == null || value.isEmpty() ? "—" : value;
    }

    private void confirmDeletion(ManifestDetails m) {
        new DeletionDialog("Delete manifest " + Format.shortDigest(m.digest()) + " from " + m.repository().value() + "?",
                preview.manifest(session.caller(), m.repository(), m.digest()), Optional.empty(), () -> {
            delete.manifest(session.caller(), session.address(), m.repository(), m.digest());
            Feedback.done("Manifest " + Format.shortDigest(m.digest()) + " deleted");
            UI.getCurrent().navigate(RepositoryView.path(m.repository()));
        }).open();
    }
}
