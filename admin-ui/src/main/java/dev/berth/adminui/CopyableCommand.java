package dev.berth.adminui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;

/** A command to paste into a terminal, with a button that puts it on the clipboard. */
final class CopyableCommand extends HorizontalLayout {

    private final Span text = new Span();

    CopyableCommand(String id) {
        text.setId(id);
        text.addClassName("berth-command");
        text.getStyle().set("font-family", "var(--lumo-font-family-monospace, monospace)")
                .set("background", "var(--lumo-contrast-5pct)").set("padding", "var(--lumo-space-xs) var(--lumo-space-s)")
                .set("border-radius", "var(--lumo-border-radius-m)").set("overflow-wrap", "anywhere");
        Button copy = new Button("Copy", VaadinIcon.COPY_O.create());
        copy.setId(id + "-copy");
        copy.addThemeVariants(ButtonVariant.LUMO_SMALL);
        copy.addClickListener(e -> copy.getElement()
                .executeJs("return navigator.clipboard.writeText($0)", text.getText())
                .then(ok -> Feedback.done("Copied to the clipboard"),
                        failed -> Feedback.failed("The browser did not allow copying; select the text instead")));
        setAlignItems(FlexComponent.Alignment.CENTER);
        setWrap(true);
        add(text, copy);
    }

    CopyableCommand(String id, String command) {
        this(id);
        setCommand(command);
    }

    void setCommand(String command) {
        text.setText(command);
    }
}
