package dev.berth.adminui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.login.LoginI18n;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.domain.error.TooManyRequestsException;
import dev.berth.domain.error.UnauthorizedException;
import jakarta.inject.Inject;

/** Sign-in with the registry's own users: the same names and passwords as docker login. */
@Route("login")
@PageTitle("Berth · Sign in")
public class LoginView extends VerticalLayout implements BeforeEnterObserver {

    /** Query parameter: the page to open after signing in. */
    static final String CONTINUE = "continue";

    private final AdminSession session;
    private final LoginForm form = new LoginForm();
    private String next = "";

    @Inject
    public LoginView(AdminSession session) {
        this.session = session;
        setSizeFull();
        setAlignItems(FlexComponent.Alignment.CENTER);
        setJustifyContentMode(FlexComponent.JustifyContentMode.CENTER);

        LoginI18n i18n = LoginI18n.createDefault();
        i18n.getForm().setTitle("Sign in");
        i18n.getErrorMessage().setTitle("Incorrect username or password");
        i18n.getErrorMessage().setMessage("Use the name and password you use for docker login.");
        form.setI18n(i18n);
        form.setForgotPasswordButtonVisible(false);
        form.addLoginListener(e -> signIn(e.getUsername(), e.getPassword()));

        H1 title = new H1("Berth");
        title.addClassNames("berth-login-title");
        add(title, new Paragraph("Container registry administration"), form);
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        next = event.getLocation().getQueryParameters().getSingleParameter(CONTINUE)
                .filter(LoginView::insideTheApp).orElse("");
        if (session.current().isPresent()) {
            event.forwardTo(next);
        }
    }

    private void signIn(String name, String password) {
        try {
            session.signIn(name, password);
            UI.getCurrent().navigate(next);
        } catch (TooManyRequestsException e) {
            form.showErrorMessage("Too many failed sign-ins", "Wait a few minutes, then try again.");
        } catch (UnauthorizedException e) {
            form.setError(true);
        }
    }

    /** Only a path of this UI: never another site, whatever the link said. */
    static boolean insideTheApp(String path) {
        return !path.startsWith("/") && !path.contains("://") && !path.contains("\\") && !path.contains("..");
    }
}
