package dev.berth.adminui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import dev.berth.application.tls.CertificateSummary;

import java.util.List;

/** The certificates page's read-outs, each refreshed after a change: served, staged, trusting Berth. */
final class CertificateSections {

    private CertificateSections() {
    }

    /** What HTTPS serves now, with the rest of its chain folded away. */
    static final class Served extends Div {

        private final CertificateUseCases uses;

        Served(CertificateUseCases uses) {
            this.uses = uses;
            setId("served-section");
        }

        void refresh() {
            List<CertificateSummary> served = uses.served().chain();
            removeAll();
            add(new H3("Served now"));
            if (served.isEmpty()) {
                add(new Paragraph("No certificate is served yet."));
                return;
            }
            add(new CertificateFacts(served.getFirst(), "served"));
            if (served.size() > 1) {
                Div chain = new Div();
                served.stream().skip(1).forEach(c -> chain.add(new CertificateFacts(c, null)));
                add(new Details("Chain: " + (served.size() - 1) + " more certificate" + (served.size() > 2 ? "s" : ""),
                        chain));
            }
        }
    }

    /** The certificate waiting to be activated, with Activate and Discard (both confirmed). */
    static final class Staged extends Div {

        private final CertificateUseCases uses;
        private final Runnable activated;
        private final Runnable discarded;

        /** @param activated, discarded after each: the page shows everything anew */
        Staged(CertificateUseCases uses, Runnable activated, Runnable discarded) {
            this.uses = uses;
            this.activated = activated;
            this.discarded = discarded;
            setId("staged-section");
        }

        void refresh() {
            List<CertificateSummary> staged = uses.staged().chain();
            removeAll();
            add(new H3("Staged, waiting to be activated"));
            if (staged.isEmpty()) {
                Paragraph none = new Paragraph("Nothing is staged. Generate or import a certificate below.");
                none.setId("staged-none");
                add(none);
                return;
            }
            Button activate = new Button("Activate", VaadinIcon.CHECK.create(), e -> Widgets.confirm(
                    "Serve this certificate?", "New HTTPS connections get it at once, without a restart; open "
                            + "connections keep the one they started with.", "Activate", "confirm-activate",
                    this::activate));
            activate.setId("activate-certificate");
            activate.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
            Button discard = new Button("Discard", VaadinIcon.TRASH.create(), e -> Widgets.confirm(
                    "Discard this certificate?", "The staged certificate and its key are deleted; the served "
                            + "certificate stays as it is.", "Discard", "confirm-discard", this::discard));
            discard.setId("discard-certificate");
            discard.addThemeVariants(ButtonVariant.LUMO_ERROR);
            add(new CertificateFacts(staged.getFirst(), "staged"), new HorizontalLayout(activate, discard));
        }

        private void activate() {
            CertificateSummary active = CertificateUseCases.refusalsAsFeedback(() -> uses.activate().activate(
                    uses.session().caller(), uses.session().address()));
            if (active != null) {
                Feedback.done("HTTPS now serves " + active.subject() + " (SHA-256 " + active.sha256Fingerprint() + ")");
                activated.run();
            }
        }

        private void discard() {
            CertificateSummary gone = CertificateUseCases.refusalsAsFeedback(() -> uses.discard().discard(
                    uses.session().caller(), uses.session().address()));
            if (gone != null) {
                Feedback.done("Discarded " + gone.subject() + " (SHA-256 " + gone.sha256Fingerprint() + ")");
                discarded.run();
            }
        }
    }

    /** Berth's CA certificate to download, and how each client installs it. */
    static final class ClientTrust extends Div {

        private final CertificateUseCases uses;

        ClientTrust(CertificateUseCases uses) {
            this.uses = uses;
            setId("ca-section");
        }

        void refresh() {
            removeAll();
            add(new H3("Trusting Berth on clients"));
            if (uses.ca().pem().isEmpty()) {
                add(new Paragraph("A certificate authority outside Berth issued the served certificate: clients "
                        + "trust it through that authority, as they already may."));
                return;
            }
            Anchor link = Widgets.download("ca-download", "Download ca.crt", "ca.crt", "application/x-pem-file",
                    () -> uses.ca().pem().orElse(""));
            String host = uses.session().registryHost();
            add(new Paragraph("Clients that do not know Berth's certificate authority refuse its certificate. "
                            + "Install ca.crt once on each client:"), link,
                    Widgets.code(clientInstructions(host), "ca-instructions"));
        }

        static String clientInstructions(String host) {
            return "# Docker (one directory per registry host:port)\n"
                    + "sudo mkdir -p /etc/docker/certs.d/" + host + " && sudo cp ca.crt /etc/docker/certs.d/" + host
                    + "/ca.crt\n\n"
                    + "# podman, skopeo, buildah: a directory holding ca.crt (or /etc/containers/certs.d/" + host + "/)\n"
                    + "podman push --cert-dir ./certs " + host + "/team/app:1.0\n"
                    + "skopeo inspect --cert-dir ./certs docker://" + host + "/team/app:1.0\n\n"
                    + "# containerd (Kubernetes nodes)\n"
                    + "sudo mkdir -p /etc/containerd/certs.d/" + host + " && sudo cp ca.crt /etc/containerd/certs.d/"
                    + host + "/ca.crt\n\n"
                    + "# curl\n"
                    + "curl --cacert ca.crt https://" + host + "/v2/";
        }
    }
}
