package dev.berth.adminui;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.access.AccessSettings;
import dev.berth.application.access.ChangePassword;
import dev.berth.application.access.CreateRobotToken;
import dev.berth.application.access.CreateUser;
import dev.berth.application.access.GrantAccess;
import dev.berth.application.access.ListAnonymousPull;
import dev.berth.application.access.ListRobotTokens;
import dev.berth.application.access.ListUsers;
import dev.berth.application.access.RevokeAccess;
import dev.berth.application.access.RevokeRobotToken;
import dev.berth.application.access.SetAnonymousPull;
import dev.berth.application.access.SetUserAdmin;
import dev.berth.application.access.SetUserEnabled;
import jakarta.inject.Inject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * Users and what they may do: the user list ({@link UserList}) on one side, the selected user
 * ({@link UserDetail}: standing, {@link GrantEditor}, {@link RobotTokenList}) on the other, stacked
 * on a narrow screen; anonymous pull patterns on a second tab. {@code users?user=NAME} opens with
 * that user selected. This class keeps list and detail in step.
 */
@Route(value = "users", layout = MainLayout.class)
@PageTitle("Berth · Users")
public class UsersView extends VerticalLayout implements AdminOnly, BeforeEnterObserver {

    private final UserUseCases uses;
    private final UserList list;
    private final UserDetail detail;
    private String selected;

    @Inject
    public UsersView(AdminSession session, ListUsers listUsers, CreateUser createUser, SetUserEnabled setEnabled,
                     SetUserAdmin setAdmin, ChangePassword changePassword, GrantAccess grantAccess,
                     RevokeAccess revokeAccess, ListRobotTokens listTokens, CreateRobotToken createToken,
                     RevokeRobotToken revokeToken, ListAnonymousPull listAnonymous, SetAnonymousPull setAnonymous,
                     AccessSettings access) {
        boolean open = access.mode() == AccessSettings.Mode.OPEN;
        this.uses = new UserUseCases(session, listUsers, createUser, setEnabled, setAdmin, changePassword,
                grantAccess, revokeAccess, listTokens, createToken, revokeToken, listAnonymous, setAnonymous);
        this.list = new UserList(() -> new CreateUserDialog(uses, this::created).open(), this::picked);
        this.detail = new UserDetail(uses, open, this::report, () -> select(selected));
        setWidthFull();
        add(new H2("Users & permissions"));
        if (open) {
            Paragraph notEnforced = new Paragraph("Grants are not enforced: this registry runs open (auth: none), so "
                    + "anybody may push, pull and delete without signing in. Users only sign in to this admin UI.");
            notEnforced.setId("grants-not-enforced");
            add(notEnforced);
        }

        TabSheet tabs = new TabSheet();
        tabs.setWidthFull();
        tabs.add("Users", Widgets.wrapping(list, detail)).setId("tab-users");
        tabs.add("Anonymous pull", new AnonymousPullTab(uses, open)).setId("tab-anonymous");
        add(tabs);
        refreshUsers();
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        event.getLocation().getQueryParameters().getSingleParameter("user").ifPresent(name -> select(name, false));
    }

    private void picked(String name) {
        select(name);
        // stacked on a narrow screen: the details are below the list, bring them into view
        detail.getElement().executeJs("if (window.innerWidth < 800) this.scrollIntoView({behavior: 'smooth'})");
    }

    private void created(String name) {
        refreshUsers();
        select(name);
    }

    private void refreshUsers() {
        List<ListUsers.Entry> entries = uses.listUsers().list(uses.session().caller());
        list.show(entries);
        if (selected != null) {
            entries.stream().filter(e -> e.user().name().equals(selected)).findFirst()
                    .ifPresentOrElse(list::mark, () -> select(null));
        }
    }

    private void select(String name) {
        select(name, true);
    }

    /** @param remember whether the address bar should say which user is shown (not while navigating there) */
    private void select(String name, boolean remember) {
        selected = name;
        if (name == null) {
            list.mark(null);
            detail.showNone();
            return;
        }
        Optional<ListUsers.Entry> entry = uses.find(name);
        if (entry.isEmpty()) {
            Feedback.failed("There is no user '" + name + "'");
            select(null);
            return;
        }
        list.mark(entry.get());
        if (remember) {
            UI.getCurrent().getPage().getHistory().replaceState(null,
                    "users?user=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        }
        detail.show(entry.get());
    }

    /** Says how a change went and shows the new state. */
    private void report(boolean done, String message) {
        if (done) {
            Feedback.done(message);
        } else {
            Feedback.failed("Nothing changed: that user no longer exists");
        }
        refreshUsers();
        select(selected);
    }
}
