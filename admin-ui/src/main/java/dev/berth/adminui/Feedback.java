package dev.berth.adminui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;

/** Every action says how it went: a short notice, green when done, red with the reason when not. */
public final class Feedback {

    private Feedback() {
    }

    public static void done(String message) {
        show(message, NotificationVariant.LUMO_SUCCESS, 5_000);
    }

    /** Stays longer, with a close button: a failure should not vanish before it is read. */
    public static void failed(String message) {
        show(message, NotificationVariant.LUMO_ERROR, 15_000);
    }

    private static void show(String message, NotificationVariant variant, int durationMs) {
        Notification notification = new Notification();
        Span text = new Span(message);
        text.addClassName("berth-feedback-text");
        Button close = new Button(VaadinIcon.CLOSE_SMALL.create(), e -> notification.close());
        close.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE);
        close.setAriaLabel("Close");
        HorizontalLayout content = new HorizontalLayout(text, close);
        content.setAlignItems(FlexComponent.Alignment.CENTER);
        notification.add(content);
        notification.addThemeVariants(variant);
        notification.setPosition(Notification.Position.BOTTOM_END);
        notification.setDuration(durationMs);
        notification.open();
    }
}
