package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.upstream.InvalidUpstream;
import dev.berth.application.upstream.ListUpstreams;
import dev.berth.application.upstream.RemoveUpstream;
import dev.berth.application.upstream.SaveUpstream;
import dev.berth.application.upstream.Upstream;
import dev.berth.application.upstream.UpstreamForm;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pull-through cache's upstreams: those of the configuration (read only here: the file owns
 * them) and those added here, which an administrator adds, edits and removes. The form takes what an
 * entry of the configuration's {@code proxies} list takes, checked by the same rules, each refusal at
 * its field. A change routes at once, on every node; the password is never shown back.
 */
@Route(value = "upstreams", layout = MainLayout.class)
@PageTitle("Berth · Upstreams")
public class UpstreamsView extends VerticalLayout implements AdminOnly {

    private final AdminSession session;
    private final ListUpstreams list;
    private final SaveUpstream save;
    private final RemoveUpstream remove;
    private final Grid<Upstream> upstreams = new Grid<>();
    private final H3 formTitle = new H3();
    private final TextField prefix = field("Prefix", "upstream-prefix", "hub");
    private final TextField remoteUrl = field("Upstream URL", "upstream-url", "https://registry-1.docker.io");
    private final TextField username = field("Username", "upstream-username", "");
    private final PasswordField password = new PasswordField("Password");
    private final TextField ttl = field("Tag check interval (ttl)", "upstream-ttl", "5m");
    private final TextField maxSize = field("Size limit (maxsize)", "upstream-maxsize", "20GiB");
    private final TextField caBundle = field("CA bundle (file on the server)", "upstream-cabundle", "");
    private final TextField clientCert = field("Client certificate (file)", "upstream-clientcert", "");
    private final TextField clientKey = field("Client key (file)", "upstream-clientkey", "");
    private final Button saveButton = new Button();
    private final Button cancel = new Button("Cancel", e -> showForm(Optional.empty()));
    /** The prefix of the stored upstream the form edits; empty while it adds one. */
    private Optional<String> editing = Optional.empty();

    @Inject
    public UpstreamsView(AdminSession session, ListUpstreams list, SaveUpstream save, RemoveUpstream remove) {
        this.session = session;
        this.list = list;
        this.save = save;
        this.remove = remove;
        setWidthFull();
        H2 title = new H2("Upstreams");
        title.setId("upstreams-title");
        add(title, new Paragraph("Berth mirrors each upstream registry under a prefix: a pull of "
                + "hub/library/alpine is library/alpine from the upstream of prefix hub, cached here (see the "
                + "pull-through cache page of the docs). Upstreams of the configuration file are changed there, "
                + "with a restart; those added here take effect at once, on every node."));

        upstreams.setId("upstreams-grid");
        upstreams.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        upstreams.addColumn(u -> u.prefix().isEmpty() ? "(every repository)" : u.prefix()).setHeader("Prefix")
                .setAutoWidth(true).setFlexGrow(0);
        upstreams.addColumn(Upstream::remoteUrl).setHeader("Upstream").setAutoWidth(true).setFlexGrow(2)
                .setTooltipGenerator(Upstream::remoteUrl);
        upstreams.addColumn(u -> u.username().map(name -> name + (u.hasPassword() ? " (password set)" : ""))
                .orElse("anonymous")).setHeader("Credentials").setAutoWidth(true).setFlexGrow(0);
        upstreams.addColumn(u -> seconds(u.ttl())).setHeader("TTL").setAutoWidth(true).setFlexGrow(0);
        upstreams.addColumn(u -> u.maxBytes() == 0 ? "no limit" : Format.bytes(u.maxBytes())).setHeader("Size limit")
                .setAutoWidth(true).setFlexGrow(0);
        upstreams.addColumn(UpstreamsView::tls).setHeader("TLS").setFlexGrow(1).setTooltipGenerator(UpstreamsView::tls);
        upstreams.addComponentColumn(u -> u.source() == Upstream.Source.CONFIGURATION
                ? Widgets.badge("configuration", Widgets.Tone.NEUTRAL)
                : Widgets.badge("admin UI", Widgets.Tone.SUCCESS)).setHeader("Source").setAutoWidth(true)
                .setFlexGrow(0);
        upstreams.addComponentColumn(this::actions).setAutoWidth(true).setFlexGrow(0);
        upstreams.setAllRowsVisible(true);

        password.setId("upstream-password");
        password.setRevealButtonVisible(false);
        saveButton.setId("upstream-save");
        saveButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        saveButton.addClickListener(e -> submit());
        cancel.setId("upstream-cancel");
        formTitle.setId("upstream-form-title");
        HorizontalLayout where = new HorizontalLayout(prefix, remoteUrl, username, password);
        HorizontalLayout how = new HorizontalLayout(ttl, maxSize, caBundle, clientCert, clientKey);
        for (HorizontalLayout row : List.of(where, how)) {
            row.setWrap(true);
            row.setAlignItems(FlexComponent.Alignment.BASELINE);
        }
        remoteUrl.setWidth("22em");
        Paragraph tlsHint = new Paragraph("TLS files are paths on the Berth servers, as in the configuration "
                + "(every node needs them); client certificates only with an https:// upstream. An empty password "
                + "on an edit keeps the stored one.");
        tlsHint.getStyle().set("color", "var(--lumo-secondary-text-color)").set("font-size", "var(--lumo-font-size-s)");
        add(upstreams, formTitle, where, how, tlsHint, new HorizontalLayout(saveButton, cancel));
        showForm(Optional.empty());
        refresh();
    }

    private Component actions(Upstream upstream) {
        if (upstream.source() == Upstream.Source.CONFIGURATION) {
            return new Span();
        }
        String id = idOf(upstream.prefix());
        Button edit = new Button("Edit", e -> showForm(Optional.of(upstream)));
        edit.setId("edit-upstream-" + id);
        edit.addThemeVariants(ButtonVariant.LUMO_SMALL);
        Button removeButton = new Button("Remove", e -> Widgets.confirm("Remove the upstream " + upstream.prefix() + "?",
                "Pulls under " + upstream.prefix() + " no longer reach " + upstream.remoteUrl() + ". What it cached "
                        + "stays, as local repositories, until deleted or collected.", "Remove", "confirm-remove-upstream",
                () -> {
                    if (remove.remove(session.caller(), session.address(), upstream.prefix())) {
                        Feedback.done("Upstream " + upstream.prefix() + " removed");
                    } else {
                        Feedback.failed("There is no upstream " + upstream.prefix() + " any more");
                    }
                    if (editing.equals(Optional.of(upstream.prefix()))) {
                        showForm(Optional.empty());
                    }
                    refresh();
                }));
        removeButton.setId("remove-upstream-" + id);
        removeButton.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_SMALL);
        return new HorizontalLayout(edit, removeButton);
    }

    /** The form empty to add an upstream, or filled with one to edit (its password left out). */
    private void showForm(Optional<Upstream> upstream) {
        editing = upstream.map(Upstream::prefix);
        FieldErrors.clear(fields());
        formTitle.setText(upstream.map(u -> "Edit " + u.prefix()).orElse("Add an upstream"));
        saveButton.setText(upstream.isPresent() ? "Save changes" : "Add upstream");
        cancel.setVisible(upstream.isPresent());
        prefix.setValue(upstream.map(u -> u.prefix().substring(0, u.prefix().length() - 1)).orElse(""));
        remoteUrl.setValue(upstream.map(Upstream::remoteUrl).orElse(""));
        username.setValue(upstream.flatMap(Upstream::username).orElse(""));
        password.clear();
        password.setPlaceholder(upstream.filter(Upstream::hasPassword).map(u -> "unchanged").orElse(""));
        ttl.setValue(upstream.map(u -> seconds(u.ttl())).orElse(""));
        maxSize.setValue(upstream.filter(u -> u.maxBytes() > 0).map(u -> String.valueOf(u.maxBytes())).orElse(""));
        caBundle.setValue(upstream.flatMap(Upstream::caBundle).orElse(""));
        clientCert.setValue(upstream.flatMap(Upstream::clientCert).orElse(""));
        clientKey.setValue(upstream.flatMap(Upstream::clientKey).orElse(""));
    }

    private void submit() {
        FieldErrors.clear(fields());
        UpstreamForm form = new UpstreamForm(prefix.getValue(), remoteUrl.getValue(), username.getValue(),
                password.getValue(), ttl.getValue(), maxSize.getValue(), caBundle.getValue(), clientCert.getValue(),
                clientKey.getValue());
        try {
            Upstream saved = save.save(session.caller(), session.address(), editing, form);
            Feedback.done("Upstream " + saved.prefix() + (editing.isPresent() ? " saved" : " added")
                    + ": pulls of " + saved.prefix() + "… come from " + saved.remoteUrl());
            showForm(Optional.empty());
            refresh();
        } catch (InvalidUpstream e) {
            showProblems(e.problems());
        }
    }

    /** Each problem under the field of its configuration key; one about the whole upstream under the URL. */
    private void showProblems(Map<String, String> problems) {
        Map<String, HasValidation> byKey = Map.of("prefix", prefix, "remoteurl", remoteUrl, "username", username,
                "password", password, "ttl", ttl, "maxsize", maxSize, "cabundle", caBundle, "clientcert", clientCert,
                "clientkey", clientKey);
        problems.forEach((key, problem) -> FieldErrors.show(byKey.getOrDefault(key, remoteUrl), problem));
    }

    private void refresh() {
        upstreams.setItems(list.list(session.caller()));
        // auto widths are measured on the rows first shown: none when the page opened empty
        upstreams.recalculateColumnWidths();
    }

    private HasValidation[] fields() {
        return new HasValidation[]{prefix, remoteUrl, username, password, ttl, maxSize, caBundle, clientCert, clientKey};
    }

    private static TextField field(String label, String id, String placeholder) {
        TextField field = new TextField(label);
        field.setId(id);
        field.setPlaceholder(placeholder);
        return field;
    }

    /** A prefix as an element id: "mirrors/ghcr/" → "mirrors-ghcr". */
    static String idOf(String prefix) {
        return prefix.replaceAll("/$", "").replace('/', '-');
    }

    private static String seconds(Duration duration) {
        return duration.toSeconds() + "s";
    }

    private static String tls(Upstream u) {
        if (!u.remoteUrl().startsWith("https://")) {
            return "none (http)";
        }
        return u.caBundle().map(b -> "trusts " + b).orElse("the JVM's authorities")
                + u.clientCert().map(c -> ", presents " + c).orElse("");
    }
}
