package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.icon.VaadinIcon;
import com.vaadin.flow.component.textfield.PasswordField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.upload.Upload;
import dev.berth.application.tls.CertificateSummary;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The import tabs of the certificates page: a PEM chain and key, pasted or uploaded, and a PKCS#12
 * file with its password. Files are read into memory, 1 MiB at most: a certificate file is a few KiB.
 */
final class CertificateImports {

    static final int MAX_FILE_BYTES = 1024 * 1024;

    private final CertificateUseCases uses;
    private final Runnable staged;

    /** @param staged after a certificate was staged: the page shows it */
    CertificateImports(CertificateUseCases uses, Runnable staged) {
        this.uses = uses;
        this.staged = staged;
    }

    Component pemTab() {
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
        files.setUploadHandler(new BoundedUpload(MAX_FILE_BYTES, (name, bytes) -> {
            PemFiles.Parts parts = PemFiles.split(new String(bytes, StandardCharsets.UTF_8));
            if (parts.isEmpty()) {
                Feedback.failed(name + " holds no PEM certificate or key");
                return;
            }
            if (!parts.certificates().isEmpty()) {
                chain.setValue(PemFiles.append(chain.getValue(), parts));
            }
            if (!parts.key().isEmpty()) {
                key.setValue(parts.key());
            }
        }));
        Button importButton = new Button("Check and stage", e -> {
            char[] secret = passphrase.getValue().isEmpty() ? null : passphrase.getValue().toCharArray();
            CertificateSummary staged = CertificateUseCases.refusalsAtField(passphrase, () -> uses.importer().importPem(
                    uses.session().caller(), uses.session().address(), chain.getValue(), key.getValue(), secret));
            if (staged != null) {
                key.clear();
                passphrase.clear();
                files.clearFileList();
                shown(staged);
            }
        });
        importButton.setId("import-certificate");
        importButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        return NewCertificateForms.form(new Paragraph("Berth checks that the key belongs to the certificate, that "
                + "the chain is in order, and that the certificate is valid now and meant for TLS servers. Paste the "
                + "PEM text, or upload the files (up to 1 MiB each): their certificates fill the chain, their key the "
                + "key."),
                files, chain, key, passphrase, importButton);
    }

    Component pkcs12Tab() {
        AtomicReference<byte[]> file = new AtomicReference<>();
        Span chosen = new Span("No file chosen");
        chosen.setId("pkcs12-file");
        Upload upload = upload("pkcs12-upload", "Upload a .p12 or .pfx file…", ".p12", ".pfx");
        upload.setUploadHandler(new BoundedUpload(MAX_FILE_BYTES, (name, bytes) -> {
            file.set(bytes);
            chosen.setText(name + " (" + Format.bytes(bytes.length) + ")");
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
            CertificateSummary staged = CertificateUseCases.refusalsAtField(password, () -> uses.importer()
                    .importPkcs12(uses.session().caller(), uses.session().address(), file.get(),
                            password.getValue().toCharArray()));
            if (staged != null) {
                file.set(null);
                chosen.setText("No file chosen");
                upload.clearFileList();
                password.clear();
                shown(staged);
            }
        });
        importButton.setId("pkcs12-import");
        importButton.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        return NewCertificateForms.form(new Paragraph("A PKCS#12 file (.p12, .pfx, up to 1 MiB) as Windows, Java "
                + "keytool or openssl pkcs12 -export write it: one private key with its certificate chain."), upload, chosen,
                password, importButton);
    }

    private void shown(CertificateSummary staged) {
        Feedback.done("Staged " + staged.subject() + " (SHA-256 " + staged.sha256Fingerprint()
                + "): activate it to serve it");
        this.staged.run();
    }

    /** An upload kept in memory, bounded here and in the browser: a certificate file is a few KiB. */
    private static Upload upload(String id, String label, String... extensions) {
        Upload upload = new Upload();
        upload.setId(id);
        upload.setMaxFileSize(MAX_FILE_BYTES);
        upload.setAcceptedFileTypes(extensions);
        upload.setUploadButton(new Button(label, VaadinIcon.UPLOAD.create()));
        upload.addFileRejectedListener(e -> Feedback.failed(e.getFileName() + ": " + e.getErrorMessage()));
        return upload;
    }
}
