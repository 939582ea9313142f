package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.AttachmentType;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Pre;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.server.streams.DownloadHandler;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Supplier;

/** Small pieces the admin pages share: confirmations, copy buttons, label rows, times. */
final class Widgets {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Widgets() {
    }

    /** Asks before doing something that cannot be undone; the buttons have ids for tests. */
    static void confirm(String title, String text, String confirmLabel, String confirmId, Runnable action) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle(title);
        dialog.add(new Span(text));
        Button confirm = new Button(confirmLabel, e -> {
            dialog.close();
            action.run();
        });
        confirm.setId(confirmId);
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        Button cancel = new Button("Cancel", e -> dialog.close());
        cancel.setId(confirmId + "-cancel");
        dialog.getFooter().add(cancel, confirm);
        dialog.open();
    }

    /** A button that puts {@code text} on the clipboard and says whether that worked. */
    static Button copyButton(String id, Supplier<String> text) {
        Button copy = new Button("Copy", VaadinIcon.COPY.create(), e -> UI.getCurrent().getPage()
                .executeJs("return navigator.clipboard.writeText($0)", text.get())
                .then(ok -> Feedback.done("Copied to the clipboard"),
                        failed -> Feedback.failed("The browser did not allow copying: select the text and copy it")));
        copy.setId(id);
        return copy;
    }

    /** Monospaced text that keeps its lines and wraps long ones on narrow screens. */
    static Pre code(String text, String id) {
        Pre pre = new Pre(text);
        pre.setId(id);
        pre.getStyle().set("white-space", "pre-wrap").set("word-break", "break-all").set("margin", "0")
                .set("font-size", "var(--lumo-font-size-s)");
        return pre;
    }

    /** "Label: value", the value with an id for tests. */
    static Div row(String label, String value, String id) {
        Span labelSpan = new Span(label + ": ");
        labelSpan.getStyle().set("font-weight", "600");
        Span valueSpan = new Span(value);
        if (id != null) {
            valueSpan.setId(id);
        }
        valueSpan.getStyle().set("overflow-wrap", "anywhere");
        return new Div(labelSpan, valueSpan);
    }

    /** How something stands, in the colours of the Lumo theme. */
    enum Tone {
        SUCCESS("success", "--lumo-success-text-color", "--lumo-success-color-10pct"),
        WARNING("warning", "--lumo-warning-text-color", "--lumo-warning-color-10pct"),
        ERROR("error", "--lumo-error-text-color", "--lumo-error-color-10pct"),
        // Lumo's grey has other names: there is no --lumo-contrast-text-color nor -color-10pct
        NEUTRAL("contrast", "--lumo-secondary-text-color", "--lumo-contrast-10pct");

        private final String lumo;
        private final String text;
        private final String background;

        Tone(String lumo, String text, String background) {
            this.lumo = lumo;
            this.text = text;
            this.background = background;
        }
    }

    /** A small coloured label. */
    static Span badge(String text, Tone tone) {
        Span badge = new Span(text);
        badge.getElement().setAttribute("style", badgeStyle(tone));
        badge.addClassName("berth-badge-" + tone.lumo);
        return badge;
    }

    private static String badgeStyle(Tone tone) {
        return "color: var(" + tone.text + "); background: var(" + tone.background + "); "
                + "border-radius: var(--lumo-border-radius-m); padding: 0.1em 0.5em; "
                + "font-size: var(--lumo-font-size-s); font-weight: 500; white-space: nowrap";
    }

    /**
     * Neutral badges in a row that wraps, however many there are (an index's platforms), as a grid cell
     * template (LitRenderer): {@code id} is the row's element id (may use {@code ${item.…}}), {@code
     * texts} the expression of the item's list of texts.
     */
    static String chipsTemplate(String id, String texts) {
        return "<div id=\"" + id + "\" class=\"berth-chips\" style=\"display: flex; flex-wrap: wrap; "
                + "gap: var(--lumo-space-xs)\">${" + texts + ".map(text => html`<span class=\"berth-badge-"
                + Tone.NEUTRAL.lumo + "\" style=\"" + badgeStyle(Tone.NEUTRAL) + "\">${text}</span>`)}</div>";
    }

    /** A link that downloads {@code content} (read when clicked) as a file. */
    static Anchor download(String id, String text, String fileName, String contentType, Supplier<String> content) {
        DownloadHandler handler = event -> {
            byte[] bytes = content.get().getBytes(StandardCharsets.UTF_8);
            event.setFileName(fileName);
            event.setContentType(contentType);
            event.setContentLength(bytes.length);
            event.getOutputStream().write(bytes);
        };
        Anchor link = new Anchor(handler, AttachmentType.DOWNLOAD, text);
        link.setId(id);
        return link;
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    /** The UTC day, for narrow columns (the full time goes in a tooltip). */
    static String day(Instant instant) {
        return DAY.format(instant);
    }

    static String time(Instant instant) {
        return TIME.format(instant);
    }

    /** A box of the master–detail layout: side by side when wide, stacked when narrow. */
    static Div column(int grow, String minWidth, Component... content) {
        Div column = new Div(content);
        column.getStyle().set("flex", grow + " 1 " + minWidth).set("min-width", "min(100%, " + minWidth + ")");
        return column;
    }

    static Div wrapping(Component... columns) {
        Div row = new Div(columns);
        row.getStyle().set("display", "flex").set("flex-wrap", "wrap").set("gap", "var(--lumo-space-l)")
                .set("width", "100%").set("align-items", "flex-start");
        return row;
    }
}
