package dev.berth.adminui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextField;
import dev.berth.domain.access.RepositoryPattern;

import java.util.Optional;

/** The repository patterns anybody may pull without signing in: listed, added, removed. */
final class AnonymousPullTab extends Div {

    private final UserUseCases uses;
    private final Grid<RepositoryPattern> anonymous = new Grid<>();

    AnonymousPullTab(UserUseCases uses, boolean open) {
        this.uses = uses;
        anonymous.setId("anonymous-grid");
        anonymous.addThemeVariants(GridVariant.LUMO_COMPACT);
        anonymous.setAllRowsVisible(true);
        anonymous.addColumn(RepositoryPattern::value).setHeader("Repositories anybody may pull");
        anonymous.addComponentColumn(p -> {
            Button remove = new Button("Remove", e -> {
                uses.setAnonymous().set(uses.session().caller(), uses.session().address(), p, false);
                Feedback.done("Pulling " + p + " needs a sign-in again");
                refresh();
            });
            remove.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
            remove.addClassName("remove-anonymous");
            remove.getElement().setAttribute("data-pattern", p.value());
            return remove;
        }).setAutoWidth(true).setFlexGrow(0);

        TextField pattern = new TextField("Repositories");
        pattern.setId("anonymous-pattern");
        pattern.setPlaceholder("public/*");
        Button add = new Button("Allow anonymous pull", VaadinIcon.PLUS.create(), e -> {
            Optional<RepositoryPattern> parsed = FieldErrors.at(pattern, () -> new RepositoryPattern(
                    pattern.getValue().trim()));
            if (parsed.isEmpty()) {
                return;
            }
            RepositoryPattern p = parsed.get();
            boolean changed = uses.setAnonymous().set(uses.session().caller(), uses.session().address(), p, true);
            Feedback.done(changed ? "Anybody may now pull " + p : "Anybody could pull " + p + " already");
            pattern.clear();
            refresh();
        });
        add.setId("anonymous-add");
        HorizontalLayout form = new HorizontalLayout(pattern, add);
        form.setWrap(true);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        add(new Paragraph(open
                ? "This registry runs open (auth: none): anybody may pull, push and delete everything; these patterns"
                + " take effect once access control is on."
                : "Without signing in, anybody may pull the repositories these patterns cover "
                + "(docker pull, skopeo inspect); pushing and deleting always need a user."), anonymous, form);
        setWidthFull();
        refresh();
    }

    private void refresh() {
        anonymous.setItems(uses.listAnonymous().list(uses.session().caller()));
    }
}
