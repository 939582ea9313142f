package dev.berth.adminui;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;

/** Shown in place of an administrators' page to everybody else. */
@Route(value = "not-allowed", layout = MainLayout.class)
@PageTitle("Berth · Not allowed")
public class NotAllowedView extends VerticalLayout {

    public NotAllowedView() {
        H2 title = new H2("Only administrators can open this page");
        title.setId("not-allowed");
        add(title, new Paragraph("Ask an administrator of this registry if you need access."));
    }
}
