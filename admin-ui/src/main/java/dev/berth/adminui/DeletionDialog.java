package dev.berth.adminui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.H4;
import com.vaadin.flow.component.html.ListItem;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.UnorderedList;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.value.ValueChangeMode;
import dev.berth.application.browse.DeletionPreview;

import java.util.List;
import java.util.Optional;

/**
 * Asks before anything is deleted, naming what goes and what stays shared. Cancel has the focus;
 * Enter never deletes; a whole repository must be confirmed by typing its name.
 */
final class DeletionDialog extends Dialog {

    DeletionDialog(String title, DeletionPreview preview, Optional<String> typeToConfirm, Runnable delete) {
        setHeaderTitle(title);
        setId("deletion-dialog");
        setWidth("min(40rem, 95vw)");

        VerticalLayout body = new VerticalLayout();
        body.setPadding(false);
        body.setSpacing(false);
        Paragraph summary = new Paragraph(preview.summary());
        summary.setId("deletion-summary");
        body.add(summary);
        section(body, "Will be deleted", preview.removed(), "deletion-removed");
        section(body, "Stays", preview.kept(), "deletion-kept");
        if (preview.reclaimableBytes() > 0) {
            body.add(new Paragraph(Format.bytes(preview.reclaimableBytes())
                    + " of storage is freed once garbage collection has run."));
        }
        add(body);

        Button cancel = new Button("Cancel", e -> close());
        cancel.setId("deletion-cancel");
        Button confirm = new Button("Delete", e -> {
            close();
            delete.run();
        });
        confirm.setId("deletion-confirm");
        confirm.addThemeVariants(ButtonVariant.LUMO_PRIMARY, ButtonVariant.LUMO_ERROR);
        typeToConfirm.ifPresent(expected -> {
            TextField typed = new TextField("Type " + expected + " to confirm");
            typed.setId("deletion-type-name");
            typed.setWidthFull();
            typed.setValueChangeMode(ValueChangeMode.EAGER);
            confirm.setEnabled(false);
            typed.addValueChangeListener(e -> confirm.setEnabled(expected.equals(e.getValue().strip())));
            body.add(typed);
        });
        getFooter().add(cancel, confirm);
        addOpenedChangeListener(e -> {
            if (e.isOpened()) {
                cancel.focus();
            }
        });
    }

    private static void section(VerticalLayout body, String title, List<String> lines, String id) {
        if (lines.isEmpty()) {
            return;
        }
        UnorderedList list = new UnorderedList();
        list.setId(id);
        lines.forEach(line -> list.add(new ListItem(line)));
        body.add(new H4(title), list);
    }
}
