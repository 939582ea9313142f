package dev.berth.adminui;

import com.vaadin.flow.component.applayout.AppLayout;
import com.vaadin.flow.component.applayout.DrawerToggle;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.sidenav.SideNav;
import com.vaadin.flow.component.sidenav.SideNavItem;
import com.vaadin.flow.component.UI;
import dev.berth.application.access.AccessSettings;
import dev.berth.domain.access.Caller;
import jakarta.inject.Inject;

/** The frame around every signed-in page: navigation, who is signed in, and sign-out. */
public class MainLayout extends AppLayout {

    @Inject
    public MainLayout(AdminSession session, AccessSettings access) {
        Caller caller = session.caller();
        H1 title = new H1("Berth");
        title.getStyle().set("font-size", "var(--lumo-font-size-l)").set("margin", "0");

        Span who = new Span(caller.name() + (caller.admin() ? " (admin)" : ""));
        who.setId("signed-in-user");
        Button signOut = new Button("Sign out", VaadinIcon.SIGN_OUT.create(), e -> {
            session.signOut();
            UI.getCurrent().getPage().setLocation("login");
        });
        signOut.setId("sign-out");
        signOut.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        HorizontalLayout right = new HorizontalLayout(who, signOut);
        right.setAlignItems(FlexComponent.Alignment.CENTER);
        right.getStyle().set("margin-left", "auto").set("padding-right", "var(--lumo-space-m)");
        HorizontalLayout bar = new HorizontalLayout(new DrawerToggle(), title, right);
        bar.setWidthFull();
        bar.setAlignItems(FlexComponent.Alignment.CENTER);
        if (access.mode() == AccessSettings.Mode.OPEN) {
            VerticalLayout navbar = new VerticalLayout(bar, openModeBanner());
            navbar.setPadding(false);
            navbar.setSpacing(false);
            addToNavbar(navbar);
        } else {
            addToNavbar(bar);
        }

        SideNav nav = new SideNav();
        nav.addItem(new SideNavItem("Overview", "", VaadinIcon.DASHBOARD.create()));
        nav.addItem(new SideNavItem("Repositories", "repositories", VaadinIcon.PACKAGE.create()));
        if (caller.admin()) {
            nav.addItem(new SideNavItem("Users", "users", VaadinIcon.USERS.create()));
            nav.addItem(new SideNavItem("Audit log", "audit", VaadinIcon.LIST.create()));
            nav.addItem(new SideNavItem("Certificates", "certificates", VaadinIcon.LOCK.create()));
            nav.addItem(new SideNavItem("Notifications", "notifications", VaadinIcon.BELL.create()));
            nav.addItem(new SideNavItem("Maintenance", "maintenance", VaadinIcon.WRENCH.create()));
            nav.addItem(new SideNavItem("Storage usage", "usage", VaadinIcon.PIE_BAR_CHART.create()));
            nav.addItem(new SideNavItem("Retention", "retention", VaadinIcon.TRASH.create()));
            nav.addItem(new SideNavItem("Upstreams", "upstreams", VaadinIcon.CLOUD_DOWNLOAD.create()));
            nav.addItem(new SideNavItem("Settings", "settings", VaadinIcon.COG.create()));
        }
        addToDrawer(nav);
    }

    /** On every page: an open registry must not look like a protected one. */
    private static Div openModeBanner() {
        Div banner = new Div(VaadinIcon.WARNING.create(), new Span(" Open mode (auth: none): anybody who reaches this "
                + "registry may push, pull and delete without signing in; users and grants are not enforced. Remove "
                + "auth: none (REGISTRY_AUTH=none) to require logins."));
        banner.setId("open-mode-banner");
        banner.setWidthFull();
        banner.getStyle().set("background", "var(--lumo-error-color-10pct)").set("color", "var(--lumo-error-text-color)")
                .set("padding", "var(--lumo-space-xs) var(--lumo-space-m)").set("font-size", "var(--lumo-font-size-s)")
                .set("box-sizing", "border-box");
        return banner;
    }
}
