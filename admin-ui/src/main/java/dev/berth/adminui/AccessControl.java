package dev.berth.adminui;

import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterListener;
import com.vaadin.flow.router.QueryParameters;
import dev.berth.application.access.CheckPasswordChangeRequired;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.inject.spi.CDI;

import java.util.Optional;

/**
 * Runs before every navigation in every UI, so that no view can forget it: without a signed-in
 * user only the sign-in page opens (the wanted page is remembered), and {@link AdminOnly} views
 * open only for administrators. A user who still has the password Berth generated sees only the page
 * where they choose their own.
 */
final class AccessControl implements BeforeEnterListener {

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        Class<?> target = event.getNavigationTarget();
        if (target == LoginView.class) {
            return;
        }
        Optional<Caller> caller = CDI.current().select(AdminSession.class).get().current();
        if (caller.isEmpty()) {
            String wanted = event.getLocation().getPathWithQueryParameters();
            event.forwardTo(LoginView.class.getAnnotation(com.vaadin.flow.router.Route.class).value(),
                    wanted.isEmpty() ? QueryParameters.empty() : QueryParameters.of(LoginView.CONTINUE, wanted));
            return;
        }
        boolean changeRequired = CDI.current().select(CheckPasswordChangeRequired.class).get().required(caller.get());
        if (changeRequired != (target == ChangeInitialPasswordView.class)) {
            event.forwardTo(changeRequired ? ChangeInitialPasswordView.class : DashboardView.class);
            return;
        }
        if (AdminOnly.class.isAssignableFrom(target) && !caller.get().admin()) {
            event.rerouteTo(NotAllowedView.class);
        }
    }
}
