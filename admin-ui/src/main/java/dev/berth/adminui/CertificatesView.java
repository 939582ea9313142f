package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.details.Details;
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
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.component.upload.Upload;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.streams.UploadHandler;
import dev.berth.application.tls.ActivateCertificate;
import dev.berth.application.tls.CertificateIssuer;
import dev.berth.application.tls.CertificatePasswordException;
import dev.berth.application.tls.CertificateRejectedException;
import dev.berth.application.tls.CertificateSummary;
import dev.berth.application.tls.CreateCertificateRequest;
import dev.berth.application.tls.DescribeTls;
import dev.berth.application.tls.DiscardStagedCertificate;
import dev.berth.application.tls.GenerateCertificate;
import dev.berth.application.tls.GetCaCertificate;
import dev.berth.application.tls.Hostname;
import dev.berth.application.tls.ImportCertificate;
import dev.berth.application.tls.ShowServedCertificate;
import dev.berth.application.tls.ShowStagedCertificate;
import dev.berth.application.tls.TlsSettings;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * HTTPS certificates: what is served (and how long it has left), what is staged, making a new one
 * (from Berth's CA, self-signed, or through a CSR), importing one, switching to it without a
 * restart, and the CA certificate clients install.
 */
@Route(value = "certificates", layout = MainLayout.class)
@PageTitle("Berth · Certificates")
public class CertificatesView extends VerticalLayout implements AdminOnly {

    static final int WARN_DAYS = 30;
    static final int MAX_FILE_BYTES = 1024 * 1024;
    private static final String LOCAL_CA = "Berth's local CA (clients trust it once)";
    private static final String SELF_SIGNED = "Self-signed";

    /** The use cases this page calls, injected together. */
    private record UseCases(ShowServedCertificate served, ShowStagedCertificate staged, GenerateCertificate generate,
                            CreateCertificateRequest request, ImportCertificate importer,
                            ActivateCertificate activate, DiscardStagedCertificate discard, GetCaCertificate ca) {
    }

    private final AdminSession session;
    private final UseCases uses;
    private final Div servedBox = new Div();
    private final Div stagedBox = new Div();
    private final Div caBox = new Div();

    @Inject
    public CertificatesView(AdminSession session, DescribeTls describeTls, ShowServedCertificate served,
                            ShowStagedCertificate staged, GenerateCertificate generate,
                            CreateCertificateRequest request, ImportCertificate importer,
                            ActivateCertificate activate, DiscardStagedCertificate discard, GetCaCertificate ca) {
        this.session = session;
        this.uses = new UseCases(served, staged, generate, request, importer, activate, discard, ca);
        setWidthFull();
        add(new H2("Certificates"));
        TlsSettings tls = describeTls.describe(session.caller());
        if (!tls.enabled()) {
            add(tlsOff());
            return;
        }
        add(new Paragraph(tls.managed()
                ? "Berth manages this certificate (http.tls.managed): at start it renews a certificate from its "
                + "local CA that nears its end. A certificate activated here stays until you activate another."
                : "HTTPS serves the files in http.tls.certificate at every start: a certificate activated here "
                + "lasts until the next restart. Replace those files to make a change permanent."));
        servedBox.setId("served-section");
        stagedBox.setId("staged-section");
        caBox.setId("ca-section");
        add(servedBox, stagedBox, newCertificate(), caBox);
        refresh();
    }

    private void refresh() {
        List<CertificateSummary> served = uses.served().chain();
        servedBox.removeAll();
        servedBox.add(new H3("Served now"));
        if (served.isEmpty()) {
            servedBox.add(new Paragraph("No certificate is served yet."));
        } else {
            servedBox.add(summary(served.getFirst(), "served"));
            if (served.size() > 1) {
                Div chain = new Div();
                served.stream().skip(1).forEach(c -> chain.add(summary(c, null)));
                servedBox.add(new Details("Chain: " + (served.size() - 1) + " more certificate"
                        + (served.size() > 2 ? "s" : ""), chain));
            }
        }

        List<CertificateSummary> staged = uses.staged().chain();
        stagedBox.removeAll();
        stagedBox.add(new H3("Staged, waiting to be activated"));
        if (staged.isEmpty()) {
            Paragraph none = new Paragraph("Nothing is staged. Generate or import a certificate below.");
            none.setId("staged-none");
            stagedBox.add(none);
        } else {
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
            stagedBox.add(summary(staged.getFirst(), "staged"), new HorizontalLayout(activate, discard));
        }

        caBox.removeAll();
        caBox.add(new H3("Trusting Berth on clients"));
        if (uses.ca().pem().isEmpty()) {
            caBox.add(new Paragraph("A certificate authority outside Berth issued the served certificate: clients "
                    + "trust it through that authority, as they already may."));
            return;
        }
        Anchor link = Widgets.download("ca-download", "Download ca.crt", "ca.crt", "application/x-pem-file",
                () -> uses.ca().pem().orElse(""));
        String host = Hosts.registry();
        caBox.add(new Paragraph("Clients that do not know Berth's certificate authority refuse its certificate. "
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

    private void activate() {
        CertificateSummary active = rejectionsAsFeedback(() -> uses.activate().activate(session.caller(),
                session.address()));
        if (active != null) {
            Feedback.done("HTTPS now serves " + active.subject() + " (SHA-256 " + active.sha256Fingerprint() + ")");
            refresh();
            servedBox.scrollIntoView();
        }
    }

    private void discard() {
        CertificateSummary discarded = rejectionsAsFeedback(() -> uses.discard().discard(session.caller(),
                session.address()));
        if (discarded != null) {
            Feedback.done("Discarded " + discarded.subject() + " (SHA-256 " + discarded.sha256Fingerprint() + ")");
            refresh();
        }
    }

    /** A certificate's facts; with a prefix, each value carries an id {@code PREFIX-field}. */
    private static Component summary(CertificateSummary c, String prefix) {
        Div box = new Div(
                Widgets.row("Subject", c.subject(), id(prefix, "subject")),
                Widgets.row("Names", c.subjectAlternativeNames().isEmpty() ? "—"
                        : String.join(", ", c.subjectAlternativeNames()), id(prefix, "sans")),
                Widgets.row("Issuer", c.issuer() + (c.selfSigned() ? " (self-signed)" : ""), id(prefix, "issuer")),
                Widgets.row("Valid from", Widgets.time(c.notBefore()), id(prefix, "not-before")),
                Widgets.row("Valid until", Widgets.time(c.notAfter()), id(prefix, "not-after")),
                Widgets.row("SHA-256", c.sha256Fingerprint(), id(prefix, "fingerprint")));
        Widgets.Tone tone = c.daysLeft() < 0 ? Widgets.Tone.ERROR
                : c.daysLeft() < WARN_DAYS ? Widgets.Tone.WARNING : Widgets.Tone.SUCCESS;
        var days = Widgets.badge(c.daysLeft() < 0 ? "expired " + -c.daysLeft() + " days ago"
                : c.daysLeft() + " days left", tone);
        if (prefix != null) {
            days.setId(prefix + "-days-left");
        }
        box.add(days);
        box.getStyle().set("margin-bottom", "var(--lumo-space-s)");
        return box;
    }

    private static String id(String prefix, String field) {
        return prefix == null ? null : prefix + "-" + field;
    }

    // ---- making a new certificate ----

    private Component newCertificate() {
        TabSheet tabs = new TabSheet();
        tabs.setWidthFull();
        tabs.add("Generate", generateTab()).setId("tab-generate");
        tabs.add("Request from a CA (CSR)", requestTab()).setId("tab-csr");
        tabs.add("Import", importTab()).setId("tab-import");
        tabs.add("Import PKCS#12", pkcs12Tab()).setId("tab-pkcs12");
        Div section = new Div(new H3("A new certificate"), tabs);
        section.setWidthFull();
        return section;
    }

    private Component generateTab() {
        TextField hostnames = hostnamesField("generate-hostnames");
        RadioButtonGroup<String> signer = new RadioButtonGroup<>("Signed by");
        signer.setId("generate-signer");
        signer.setItems(LOCAL_CA, SELF_SIGNED);
        signer.setValue(LOCAL_CA);
        Button generate = new Button("Generate and stage", e -> {
            List<Hostname> names = hostnames(hostnames.getValue());
            if (names == null) {
                return;
            }
            CertificateSummary staged = rejectionsAsFeedback(() -> LOCAL_CA.equals(signer.getValue())
                    ? uses.generate().signedByLocalAuthority(session.caller(), session.address(), names)
                    : uses.generate().selfSigned(session.caller(), session.address(), names));
            if (staged != null) {
                Feedback.done("Staged a new certificate for " + String.join(", ", staged.subjectAlternativeNames())
                        + ": activate it to serve it");
                refresh();
                stagedBox.scrollIntoView();
            }
        });
        generate.setId("generate-certificate");
        generate.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        return form(new Paragraph("An ECDSA P-256 certificate for 397 days, for these names plus localhost, "
                + "127.0.0.1 and ::1."), hostnames, signer, generate);
    }

    private Component requestTab() {
        TextField hostnames = hostnamesField("csr-hostnames");
        Select<CertificateIssuer.KeyType> keyType = new Select<>();
        keyType.setId("csr-key-type");
        keyType.setLabel("Key");
        keyType.setItems(CertificateIssuer.KeyType.values());
        keyType.setItemLabelGenerator(k -> k == CertificateIssuer.KeyType.EC_P256 ? "ECDSA P-256" : "RSA 3072");
        keyType.setValue(CertificateIssuer.KeyType.EC_P256);
        TextArea pem = new TextArea("Certificate request (PEM)");
        pem.setId("csr-pem");
        pem.setReadOnly(true);
        pem.setWidthFull();
        pem.setVisible(false);
        Anchor download = Widgets.download("csr-download", "Download berth.csr", "berth.csr", "application/pkcs10",
                pem::getValue);
        Button copy = Widgets.copyButton("csr-copy", pem::getValue);
        HorizontalLayout results = new HorizontalLayout(copy, download);
        results.setAlignItems(FlexComponent.Alignment.CENTER);
        results.setVisible(false);
        Button create = new Button("Create request", e -> {
            List<Hostname> names = hostnames(hostnames.getValue());
            if (names == null) {
                return;
            }
            String request = rejectionsAsFeedback(() -> uses.request().create(session.caller(), session.address(),
                    names, keyType.getValue()));
            if (request != null) {
                pem.setValue(request);
                pem.setVisible(true);
                results.setVisible(true);
                Feedback.done("Created a certificate request; Berth keeps its private key");
            }
        });
        create.setId("create-csr");
        create.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        return form(new Paragraph("For a corporate or public CA. Berth keeps the new private key: import the "
                + "CA's answer on the Import tab and leave the key empty."), hostnames, keyType, create, pem, results);
    }

    private Component importTab() {
        TextArea chain = new TextArea("Certificate chain (PEM)");
        chain.setId("import-chain");
        chain.setPlaceholder("-----BEGIN CERTIFICATE-----  (server certificate first, then each issuer)");
        chain.setWidthFull();
        chain.setMinHeight("8em");
        TextArea key = new TextArea("Private key (PEM)");
        key.setId("import-key");
        key.setHelperText("Leave empty to use the key of the last certificate request");
        key.setWidthFull();
        key.setMinHeight("6em");
        PasswordField passphrase = new PasswordField("Passphrase (for an encrypted key)");
        passphrase.setId("import-passphrase");
        // a file's certificates go to the chain, its key to the key: one combined file or one file each
        Upload files = upload("import-files", "Upload PEM files…", ".pem", ".crt", ".cer", ".key");
        files.setMaxFiles(4);
        files.setUploadHandler(UploadHandler.inMemory((file, bytes) -> {
            PemFiles.Parts parts = PemFiles.split(new String(bytes, StandardCharsets.UTF_8));
            if (parts.isEmpty()) {
                Feedback.failed(file.fileName() + " holds no PEM certificate or key");
                return;
            }
            if (!parts.certificates().isEmpty()) {
                chain.setValue(chain.getValue().isBlank() ? parts.certificates()
                        : chain.getValue().strip() + "\n" + parts.certificates());
            }
            if (!parts.key().isEmpty()) {
                key.setValue(parts.key());
            }
        }));
        Button importButton = new Button("Check and stage", e -> {
            char[] secret = passphrase.getValue().isEmpty() ? null : passphrase.getValue().toCharArray();
            CertificateSummary staged = refusalsAtField(passphrase, () -> uses.importer().importPem(session.caller(),
                    session.address(), chain.getValue(), key.getValue(), secret));
            if (staged != null) {
                key.clear();
                passphrase.clear();
                files.clearFileList();
                staged(staged);
            }
        });
        importButton.setId("import-certificate");
        importButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        return form(new Paragraph("Berth checks that the key belongs to the certificate, that the chain is in "
                + "order, and that the certificate is valid now and meant for TLS servers. Paste the PEM text, or "
                + "upload the files (up to 1 MiB each): their certificates fill the chain, their key the key."),
                files, chain, key, passphrase, importButton);
    }

    private Component pkcs12Tab() {
        AtomicReference<byte[]> file = new AtomicReference<>();
        Span chosen = new Span("No file chosen");
        chosen.setId("pkcs12-file");
        Upload upload = upload("pkcs12-upload", "Upload a .p12 or .pfx file…", ".p12", ".pfx");
        upload.setUploadHandler(UploadHandler.inMemory((metadata, bytes) -> {
            file.set(bytes);
            chosen.setText(metadata.fileName() + " (" + Format.bytes(bytes.length) + ")");
        }));
        upload.addFileRemovedListener(e -> {
            file.set(null);
            chosen.setText("No file chosen");
        });
        PasswordField password = new PasswordField("Password of the file");
        password.setId("pkcs12-password");
        Button importButton = new Button("Check and stage", e -> {
            if (file.get() == null) {
                Feedback.failed("Upload a PKCS#12 file first");
                return;
            }
            CertificateSummary staged = refusalsAtField(password, () -> uses.importer().importPkcs12(
                    session.caller(), session.address(), file.get(), password.getValue().toCharArray()));
            if (staged != null) {
                file.set(null);
                chosen.setText("No file chosen");
                upload.clearFileList();
                password.clear();
                staged(staged);
            }
        });
        importButton.setId("pkcs12-import");
        importButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        return form(new Paragraph("A PKCS#12 file (.p12, .pfx, up to 1 MiB) as Windows, Java keytool or "
                + "openssl pkcs12 -export write it: one private key with its certificate chain."), upload, chosen,
                password, importButton);
    }

    /** Shows a newly staged certificate. */
    private void staged(CertificateSummary staged) {
        Feedback.done("Staged " + staged.subject() + " (SHA-256 " + staged.sha256Fingerprint()
                + "): activate it to serve it");
        refresh();
        stagedBox.scrollIntoView();
    }

    /** An upload kept in memory, bounded: a certificate file is a few KiB, a bigger one is not one. */
    private static Upload upload(String id, String label, String... extensions) {
        Upload upload = new Upload();
        upload.setId(id);
        upload.setMaxFileSize(MAX_FILE_BYTES);
        upload.setAcceptedFileTypes(extensions);
        upload.setUploadButton(new Button(label, VaadinIcon.UPLOAD.create()));
        upload.addFileRejectedListener(e -> Feedback.failed(e.getFileName() + ": " + e.getErrorMessage()));
        return upload;
    }

    private static TextField hostnamesField(String id) {
        TextField hostnames = new TextField("Host names and IP addresses");
        hostnames.setId(id);
        hostnames.setPlaceholder("registry.example.com, 10.0.0.7");
        hostnames.setHelperText("Separated by commas or spaces; the first is also the common name");
        hostnames.setWidthFull();
        return hostnames;
    }

    /** The parsed names, or null (after saying why) when one is not a host name. */
    private static List<Hostname> hostnames(String text) {
        List<String> parts = Arrays.stream(text.trim().split("[\\s,]+")).filter(p -> !p.isEmpty()).toList();
        if (parts.isEmpty()) {
            Feedback.failed("Give at least one host name");
            return null;
        }
        return rejectionsAsFeedback(() -> parts.stream().map(Hostname::parse).toList());
    }

    /** As {@link #rejectionsAsFeedback}, but a wrong or missing password shows at its field. */
    private static <T> T refusalsAtField(PasswordField password, Supplier<T> work) {
        password.setInvalid(false);
        try {
            return rejectionsAsFeedback(work);
        } catch (CertificatePasswordException e) {
            password.setErrorMessage(Character.toUpperCase(e.getMessage().charAt(0)) + e.getMessage().substring(1));
            password.setInvalid(true);
            return null;
        }
    }

    /** The certificate use cases refuse with reasons meant for the operator: show them. */
    private static <T> T rejectionsAsFeedback(Supplier<T> work) {
        try {
            return work.get();
        } catch (CertificatePasswordException e) {
            throw e;
        } catch (CertificateRejectedException e) {
            Feedback.failed(e.getMessage());
            return null;
        }
    }

    private static Component form(Component... parts) {
        VerticalLayout form = new VerticalLayout(parts);
        form.setPadding(false);
        form.setMaxWidth("48em");
        return form;
    }

    private static Component tlsOff() {
        Div off = new Div();
        off.setId("tls-off");
        // served by Berth itself (deploy/docs): the link works wherever the admin UI does
        Anchor docs = new Anchor("/docs/tls.md", "TLS in Berth's documentation (tls.md)");
        docs.setId("tls-docs");
        docs.setTarget("_blank");
        off.add(new Paragraph("TLS is not enabled: Berth serves plain HTTP, and certificates cannot be managed "
                        + "here. Clients outside this machine then need Berth behind a TLS proxy, or an "
                        + "\"insecure registry\" setting."),
                new Paragraph("To let Berth serve HTTPS with a certificate it manages, add this to the configuration "
                        + "file and restart:"),
                Widgets.code("http:\n  tls:\n    managed: true\n    hostnames: [registry.example.com]", "tls-managed-yaml"),
                new Paragraph("or set these environment variables:"),
                Widgets.code("REGISTRY_HTTP_TLS_MANAGED=true\nREGISTRY_HTTP_TLS_HOSTNAMES=registry.example.com",
                        "tls-managed-env"),
                new Paragraph("To serve your own certificate instead, set http.tls.certificate and http.tls.key "
                        + "(PEM files)."),
                docs);
        return off;
    }
}
