package dev.berth.adminui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.ErrorParameter;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.HasErrorParameter;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.ParentLayout;
import com.vaadin.flow.server.HttpStatusCode;

/** An unknown admin address, inside the usual frame so the way back is in sight (Vaadin's own page is bare). */
@ParentLayout(MainLayout.class)
public class NotFoundView extends VerticalLayout implements HasErrorParameter<NotFoundException>, HasDynamicTitle {

    @Override
    public int setErrorParameter(BeforeEnterEvent event, ErrorParameter<NotFoundException> parameter) {
        removeAll();
        H2 title = new H2("There is no page at this address");
        title.setId("not-found");
        Paragraph path = new Paragraph("/admin/" + event.getLocation().getPath());
        path.setId("not-found-path");
        path.getStyle().set("font-family", "var(--lumo-font-family-monospace)");
        add(title, path, new Paragraph("It may have been mistyped, or what it showed was deleted."),
                new Anchor("repositories", "Go to the repositories"));
        return HttpStatusCode.NOT_FOUND.getCode();
    }

    @Override
    public String getPageTitle() {
        return "Berth · Not found";
    }
}
