package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.datepicker.DatePicker;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextField;
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
import dev.berth.domain.access.Action;
import dev.berth.domain.access.Grant;
import dev.berth.domain.access.RepositoryPattern;
import dev.berth.domain.access.User;
import jakarta.inject.Inject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Users and what they may do: the user list on one side, the selected user's standing, grants and
 * robot tokens on the other (stacked on a narrow screen); anonymous pull patterns on a second tab.
 * {@code users?user=NAME} opens with that user selected.
 */
@Route(value = "users", layout = MainLayout.class)
@PageTitle("Berth · Users")
public class UsersView extends VerticalLayout implements AdminOnly, BeforeEnterObserver {

    /** The use cases this page calls, injected together. */
    private record UseCases(ListUsers listUsers, CreateUser createUser, SetUserEnabled setEnabled,
                           SetUserAdmin setAdmin, ChangePassword changePassword, GrantAccess grantAccess,
                           RevokeAccess revokeAccess, ListRobotTokens listTokens, CreateRobotToken createToken,
                           RevokeRobotToken revokeToken, ListAnonymousPull listAnonymous,
                           SetAnonymousPull setAnonymous) {
    }

    private final AdminSession session;
    private final UseCases uses;
    private final Grid<ListUsers.Entry> users = new Grid<>();
    private final Div detail = new Div();
    private final Grid<RepositoryPattern> anonymous = new Grid<>();
    private String selected;
    private final boolean open;

    @Inject
    public UsersView(AdminSession session, ListUsers listUsers, CreateUser createUser, SetUserEnabled setEnabled,
                     SetUserAdmin setAdmin, ChangePassword changePassword, GrantAccess grantAccess,
                     RevokeAccess revokeAccess, ListRobotTokens listTokens, CreateRobotToken createToken,
                     RevokeRobotToken revokeToken, ListAnonymousPull listAnonymous, SetAnonymousPull setAnonymous,
                     AccessSettings access) {
        this.session = session;
        this.open = access.mode() == AccessSettings.Mode.OPEN;
        this.uses = new UseCases(listUsers, createUser, setEnabled, setAdmin, changePassword, grantAccess,
                revokeAccess, listTokens, createToken, revokeToken, listAnonymous, setAnonymous);
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
        tabs.add("Users", usersTab()).setId("tab-users");
        tabs.add("Anonymous pull", anonymousTab()).setId("tab-anonymous");
        add(tabs);
        refreshUsers();
        refreshAnonymous();
    }

    @Override
    public void beforeEnter(BeforeEnterEvent event) {
        event.getLocation().getQueryParameters().getSingleParameter("user").ifPresent(name -> select(name, false));
    }

    // ---- the user list ----

    private Component usersTab() {
        Button create = new Button("Create user", VaadinIcon.PLUS.create(), e -> openCreateUser());
        create.setId("create-user");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);

        users.setId("users-grid");
        users.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_ROW_STRIPES);
        users.addColumn(e -> e.user().name()).setHeader("Name").setSortable(true).setFlexGrow(2);
        users.addColumn(e -> e.user().admin() ? "admin" : "").setHeader("Admin").setAutoWidth(true).setFlexGrow(0);
        users.addColumn(e -> e.user().enabled() ? "yes" : "disabled").setHeader("Enabled").setAutoWidth(true)
                .setFlexGrow(0);
        users.addColumn(e -> e.grants().isEmpty() ? "—" : Grant.format(e.grants())).setHeader("Grants")
                .setFlexGrow(3);
        users.asSingleSelect().addValueChangeListener(e -> {
            if (e.isFromClient()) {
                select(e.getValue() == null ? null : e.getValue().user().name());
                // stacked on a narrow screen: the details are below the list, bring them into view
                detail.getElement().executeJs("if (window.innerWidth < 800) this.scrollIntoView({behavior: 'smooth'})");
            }
        });

        detail.setId("user-detail");
        detail.add(new Paragraph("Select a user to see their grants and robot tokens."));
        return Widgets.wrapping(Widgets.column(2, "320px", create, users), Widgets.column(3, "360px", detail));
    }

    private void refreshUsers() {
        List<ListUsers.Entry> entries = uses.listUsers().list(session.caller());
        users.setItems(entries);
        // a short list takes only its own height; a long one scrolls within the grid
        boolean few = entries.size() <= 12;
        users.setAllRowsVisible(few);
        users.setHeight(few ? null : "min(30em, 50vh)");
        if (selected != null) {
            entries.stream().filter(e -> e.user().name().equals(selected)).findFirst()
                    .ifPresentOrElse(e -> users.asSingleSelect().setValue(e), () -> select(null));
        }
    }

    private void select(String name) {
        select(name, true);
    }

    /** @param remember whether the address bar should say which user is shown (not while navigating there) */
    private void select(String name, boolean remember) {
        selected = name;
        detail.removeAll();
        if (name == null) {
            users.asSingleSelect().clear();
            detail.add(new Paragraph("Select a user to see their grants and robot tokens."));
            return;
        }
        Optional<ListUsers.Entry> entry = uses.listUsers().list(session.caller()).stream()
                .filter(e -> e.user().name().equals(name)).findFirst();
        if (entry.isEmpty()) {
            Feedback.failed("There is no user '" + name + "'");
            select(null);
            return;
        }
        users.asSingleSelect().setValue(entry.get());
        if (remember) {
            UI.getCurrent().getPage().getHistory().replaceState(null,
                    "users?user=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
        }
        showDetail(entry.get());
    }

    // ---- one user ----

    private void showDetail(ListUsers.Entry entry) {
        User user = entry.user();
        H3 title = new H3(user.name());
        title.setId("detail-name");
        Span standing = Widgets.badge((user.admin() ? "Administrator" : "User") + (user.enabled() ? "" : ", disabled"),
                user.enabled() ? Widgets.Tone.NEUTRAL : Widgets.Tone.ERROR);
        standing.setId("detail-standing");

        Button toggleEnabled = new Button(user.enabled() ? "Disable" : "Enable", e -> {
            if (user.enabled()) {
                Widgets.confirm("Disable " + user.name() + "?", "Their next request fails, whatever credential "
                        + "it carries (passwords, tokens, robot tokens).", "Disable", "confirm-disable",
                        () -> setEnabled(user.name(), false));
            } else {
                setEnabled(user.name(), true);
            }
        });
        toggleEnabled.setId("toggle-enabled");
        Button toggleAdmin = new Button(user.admin() ? "Remove admin" : "Make admin", e -> {
            boolean done = uses.setAdmin().set(session.caller(), session.address(), user.name(), !user.admin());
            report(done, user.name() + (user.admin() ? " is no administrator any more" : " is now an administrator"));
        });
        toggleAdmin.setId("toggle-admin");
        Button resetPassword = new Button("Reset password", VaadinIcon.KEY.create(), e -> openResetPassword(user.name()));
        resetPassword.setId("reset-password");
        Anchor auditLink = new Anchor("audit?actor=" + URLEncoder.encode(user.name(), StandardCharsets.UTF_8),
                "Audit log of " + user.name());
        auditLink.setId("user-audit-link");
        auditLink.getStyle().set("display", "block").set("margin", "var(--lumo-space-s) 0");
        HorizontalLayout actions = new HorizontalLayout(toggleEnabled, toggleAdmin, resetPassword);
        actions.setWrap(true);

        detail.add(title, standing, actions, auditLink, grantsSection(entry), tokensSection(user));
    }

    private void setEnabled(String name, boolean enabled) {
        boolean done = uses.setEnabled().set(session.caller(), session.address(), name, enabled);
        report(done, name + (enabled ? " is enabled" : " is disabled"));
    }

    /** Says how it went and shows the new state. */
    private void report(boolean done, String message) {
        if (done) {
            Feedback.done(message);
        } else {
            Feedback.failed("Nothing changed: that user no longer exists");
        }
        refreshUsers();
        select(selected);
    }

    private Component grantsSection(ListUsers.Entry entry) {
        String name = entry.user().name();
        Grid<Grant> grants = new Grid<>();
        grants.setId("grants-grid");
        grants.addThemeVariants(GridVariant.LUMO_COMPACT);
        grants.setAllRowsVisible(true);
        grants.addColumn(g -> g.pattern().value()).setHeader("Repositories").setFlexGrow(2);
        grants.addColumn(g -> g.actions().stream().map(Action::word).collect(Collectors.joining(", ")))
                .setHeader("May").setFlexGrow(1);
        grants.addComponentColumn(g -> {
            Button revoke = new Button("Revoke", e -> Widgets.confirm("Revoke " + g + "?",
                    name + " loses these rights at their next request.", "Revoke", "confirm-revoke-grant", () -> {
                        boolean done = uses.revokeAccess().revoke(session.caller(), session.address(), name, g.pattern());
                        report(done, "Revoked " + g + " from " + name);
                    }));
            revoke.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
            revoke.addClassName("revoke-grant");
            revoke.getElement().setAttribute("data-pattern", g.pattern().value());
            return revoke;
        }).setAutoWidth(true).setFlexGrow(0);
        grants.setItems(entry.grants());
        if (entry.user().admin()) {
            grants.setVisible(!entry.grants().isEmpty());
        }

        TextField pattern = new TextField("Repositories");
        pattern.setId("grant-pattern");
        pattern.setPlaceholder("team-a/*");
        pattern.setHelperText("A name, or * for any characters: team-a/*, *");
        Checkbox pull = new Checkbox("pull", true);
        pull.setId("grant-pull");
        Checkbox push = new Checkbox("push");
        push.setId("grant-push");
        Checkbox delete = new Checkbox("delete");
        delete.setId("grant-delete");
        Button add = new Button("Add grant", VaadinIcon.PLUS.create(), e -> {
            Set<Action> actions = EnumSet.noneOf(Action.class);
            if (pull.getValue()) {
                actions.add(Action.PULL);
            }
            if (push.getValue()) {
                actions.add(Action.PUSH);
            }
            if (delete.getValue()) {
                actions.add(Action.DELETE);
            }
            Grant grant = new Grant(new RepositoryPattern(pattern.getValue().trim()), actions);
            boolean done = uses.grantAccess().grant(session.caller(), session.address(), name, grant);
            report(done, "Granted " + grant + " to " + name);
        });
        add.setId("add-grant");
        HorizontalLayout boxes = new HorizontalLayout(pull, push, delete);
        HorizontalLayout form = new HorizontalLayout(pattern, boxes, add);
        form.setWrap(true);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);

        Div section = new Div(new H3("Grants"));
        if (open) {
            Paragraph notEnforced = new Paragraph("Not enforced while the registry runs open (auth: none).");
            notEnforced.setId("grant-not-enforced");
            section.add(notEnforced);
        }
        if (entry.user().admin()) {
            section.add(new Paragraph("Administrators may do everything; grants matter once that is taken away."));
        } else if (entry.grants().isEmpty()) {
            section.add(new Paragraph("No grants: " + name + " may pull only what anybody may."));
        }
        section.add(grants, form);
        return section;
    }

    private Component tokensSection(User user) {
        String name = user.name();
        Grid<ListRobotTokens.Token> tokens = new Grid<>();
        tokens.setId("tokens-grid");
        tokens.addThemeVariants(GridVariant.LUMO_COMPACT);
        tokens.setAllRowsVisible(true);
        tokens.addColumn(ListRobotTokens.Token::description).setHeader("Description").setFlexGrow(2);
        tokens.addColumn(t -> Grant.format(t.scope())).setHeader("Scope").setFlexGrow(2);
        tokens.addColumn(t -> Widgets.day(t.createdAt())).setHeader("Created").setAutoWidth(true)
                .setTooltipGenerator(t -> Widgets.time(t.createdAt()));
        tokens.addColumn(t -> t.expiresAt().map(Widgets::day).orElse("never")).setHeader("Expires").setAutoWidth(true)
                .setTooltipGenerator(t -> t.expiresAt().map(Widgets::time).orElse("never"));
        tokens.addColumn(t -> state(t, user)).setHeader("State").setAutoWidth(true)
                .setTooltipGenerator(t -> t.revokedAt().map(r -> "revoked " + Widgets.time(r))
                        .orElse(user.enabled() ? "" : "refused while " + name + " is disabled"));
        tokens.addComponentColumn(t -> {
            Button revoke = new Button("Revoke", e -> Widgets.confirm("Revoke the token '" + t.description() + "'?",
                    "Pipelines using it fail from their next request on. This cannot be undone.", "Revoke",
                    "confirm-revoke-token", () -> {
                        boolean done = uses.revokeToken().revoke(session.caller(), session.address(), t.id());
                        if (done) {
                            Feedback.done("Revoked the token '" + t.description() + "'");
                        } else {
                            Feedback.failed("That token was revoked already");
                        }
                        select(selected);
                    }));
            revoke.addThemeVariants(ButtonVariant.LUMO_SMALL, ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
            revoke.addClassName("revoke-token");
            revoke.getElement().setAttribute("data-description", t.description());
            revoke.setVisible(t.revokedAt().isEmpty());
            return revoke;
        }).setAutoWidth(true).setFlexGrow(0);
        List<ListRobotTokens.Token> list = uses.listTokens().list(session.caller(), name);
        tokens.setItems(list);
        tokens.setVisible(!list.isEmpty());

        Button create = new Button("Create robot token", VaadinIcon.PLUS.create(), e -> openCreateToken(name));
        create.setId("create-token");
        Div section = new Div(new H3("Robot tokens"),
                new Paragraph("Passwords for pipelines: used instead of " + name + "'s password, limited to their "
                        + "scope within " + name + "'s grants."));
        section.add(tokens, create);
        return section;
    }

    // ---- dialogs ----

    private void openCreateUser() {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Create user");
        TextField name = new TextField("Name");
        name.setId("new-user-name");
        name.setHelperText("Letters, digits and . _ - @ +");
        NewPasswordFields password = new NewPasswordFields("Password", "new-user-password", "new-user-password2");
        Checkbox admin = new Checkbox("Administrator");
        admin.setId("new-user-admin");
        VerticalLayout form = new VerticalLayout(name, password.password(), password.again(), admin);
        form.setPadding(false);
        dialog.add(form);
        Button save = new Button("Create", e -> {
            String user = name.getValue().trim();
            Optional<String> accepted = password.accepted(user);
            if (accepted.isEmpty()) {
                return;
            }
            if (uses.createUser().create(session.caller(), session.address(), user, accepted.get(),
                    admin.getValue())) {
                dialog.close();
                Feedback.done("Created " + user);
                refreshUsers();
                select(user);
            } else {
                Feedback.failed("A user named " + user + " exists already");
            }
        });
        save.setId("new-user-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button cancel = new Button("Cancel", e -> dialog.close());
        dialog.getFooter().add(cancel, save);
        dialog.open();
        name.focus();
    }

    private void openResetPassword(String user) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("New password for " + user);
        NewPasswordFields password = new NewPasswordFields("New password", "reset-password-1", "reset-password-2");
        VerticalLayout form = new VerticalLayout(password.password(), password.again());
        form.setPadding(false);
        dialog.add(form);
        Button save = new Button("Set password", e -> {
            Optional<String> accepted = password.accepted(user);
            if (accepted.isEmpty()) {
                return;
            }
            boolean done = uses.changePassword().change(session.caller(), session.address(), user, accepted.get());
            dialog.close();
            report(done, "Set a new password for " + user);
        });
        save.setId("reset-password-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.open();
    }

    /** A disabled user's tokens are refused (AuthenticateCaller) though neither revoked nor expired. */
    private static String state(ListRobotTokens.Token token, User user) {
        if (token.revokedAt().isPresent()) {
            return "revoked";
        }
        if (!token.usable()) {
            return "expired";
        }
        return user.enabled() ? "active" : "inactive";
    }

    private void openCreateToken(String user) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Robot token for " + user);
        TextField description = new TextField("Description");
        description.setId("token-description");
        description.setPlaceholder("GitLab CI of team-a");
        TextField scope = new TextField("Scope");
        scope.setId("token-scope");
        scope.setHelperText("Grants separated by spaces, e.g. ci/*:pull,push; never more than " + user + " may do");
        scope.setWidthFull();
        uses.listUsers().list(session.caller()).stream().filter(e -> e.user().name().equals(user)).findFirst()
                .ifPresent(e -> scope.setValue(Grant.format(e.grants())));
        DatePicker expires = new DatePicker("Expires on (optional)");
        expires.setId("token-expires");
        expires.setHelperText("At the start of that day, UTC");
        expires.setMin(LocalDate.now(ZoneOffset.UTC).plusDays(1));
        VerticalLayout form = new VerticalLayout(description, scope, expires);
        form.setPadding(false);
        dialog.add(form);
        Button save = new Button("Create", e -> {
            Optional<Instant> expiry = Optional.ofNullable(expires.getValue())
                    .map(d -> d.atStartOfDay(ZoneOffset.UTC).toInstant());
            CreateRobotToken.Created created = uses.createToken().create(session.caller(), session.address(), user,
                    description.getValue().trim(), Grant.parseList(scope.getValue()), expiry);
            dialog.close();
            Feedback.done("Created the robot token '" + description.getValue().trim() + "'");
            select(selected);
            showSecret(user, created.secret());
        });
        save.setId("token-create");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(new Button("Cancel", e -> dialog.close()), save);
        dialog.setWidth("min(36em, 95vw)");
        dialog.open();
    }

    /** The secret, this once: Berth keeps only its hash. */
    private void showSecret(String user, String secret) {
        Dialog dialog = new Dialog();
        dialog.setHeaderTitle("Copy the token now");
        dialog.setCloseOnOutsideClick(false);
        TextField value = new TextField("Token");
        value.setId("token-secret");
        value.setValue(secret);
        value.setReadOnly(true);
        value.setWidthFull();
        String host = Hosts.registry();
        String hint = "echo \"$TOKEN\" | docker login -u " + user + " --password-stdin " + host;
        dialog.add(new Paragraph("It is shown only this once; Berth keeps only its hash. Use it as the password of "
                        + user + ":"),
                value, Widgets.copyButton("copy-secret", () -> secret),
                Widgets.code(hint, "token-login-hint"),
                new Paragraph("podman, skopeo and buildah take the same: --creds " + user + ":$TOKEN"));
        Button close = new Button("I have copied it", e -> dialog.close());
        close.setId("token-secret-close");
        close.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        dialog.getFooter().add(close);
        dialog.setWidth("min(40em, 95vw)");
        dialog.open();
    }

    // ---- anonymous pull ----

    private Component anonymousTab() {
        anonymous.setId("anonymous-grid");
        anonymous.addThemeVariants(GridVariant.LUMO_COMPACT);
        anonymous.setAllRowsVisible(true);
        anonymous.addColumn(RepositoryPattern::value).setHeader("Repositories anybody may pull");
        anonymous.addComponentColumn(p -> {
            Button remove = new Button("Remove", e -> {
                uses.setAnonymous().set(session.caller(), session.address(), p, false);
                Feedback.done("Pulling " + p + " needs a sign-in again");
                refreshAnonymous();
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
            RepositoryPattern p = new RepositoryPattern(pattern.getValue().trim());
            boolean changed = uses.setAnonymous().set(session.caller(), session.address(), p, true);
            Feedback.done(changed ? "Anybody may now pull " + p : "Anybody could pull " + p + " already");
            pattern.clear();
            refreshAnonymous();
        });
        add.setId("anonymous-add");
        HorizontalLayout form = new HorizontalLayout(pattern, add);
        form.setWrap(true);
        form.setAlignItems(FlexComponent.Alignment.BASELINE);
        Div tab = new Div(new Paragraph(open
                ? "This registry runs open (auth: none): anybody may pull, push and delete everything; these patterns"
                + " take effect once access control is on."
                : "Without signing in, anybody may pull the repositories these patterns cover "
                + "(docker pull, skopeo inspect); pushing and deleting always need a user."), anonymous, form);
        tab.setWidthFull();
        return tab;
    }

    private void refreshAnonymous() {
        anonymous.setItems(uses.listAnonymous().list(session.caller()));
    }
}
