package dev.berth.adminui;

import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.server.AppShellSettings;
import com.vaadin.flow.theme.lumo.Lumo;

/** Page-level settings of the admin UI. */
@StyleSheet(Lumo.STYLESHEET)
@StyleSheet(Lumo.UTILITY_STYLESHEET)
public class AdminShell implements AppShellConfigurator {

    @Override
    public void configurePage(AppShellSettings settings) {
        settings.setPageTitle("Berth admin");
        // the page's base is the admin servlet's root, which serves routes only: the icon lies one up, at the
        // application's root, where the container serves META-INF/resources/icons from this jar
        settings.addFavIcon("icon", "../icons/berth.svg", "any");
    }
}
