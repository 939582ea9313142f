package dev.berth.adminui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import dev.berth.application.tls.CertificateIssuer;
import dev.berth.application.tls.CertificateRejectedException;
import dev.berth.application.tls.CertificateSummary;
import dev.berth.application.tls.Hostname;

import java.util.Arrays;
import java.util.List;

/**
 * "A new certificate": generate one (Berth's CA or self-signed), request one from a CA (CSR), or
 * import one ({@link CertificateImports}); each tab a form.
 */
final class NewCertificateForms extends Div {

    private static final String LOCAL_CA = "Berth's local CA (clients trust it once)";
    private static final String SELF_SIGNED = "Self-signed";

    private final CertificateUseCases uses;
    private final Runnable staged;

    /** @param staged after a certificate was staged: the page shows it */
    NewCertificateForms(CertificateUseCases uses, Runnable staged) {
        this.uses = uses;
        this.staged = staged;
        TabSheet tabs = new TabSheet();
        tabs.setWidthFull();
        tabs.add("Generate", generateTab()).setId("tab-generate");
        tabs.add("Request from a CA (CSR)", requestTab()).setId("tab-csr");
        CertificateImports imports = new CertificateImports(uses, staged);
        tabs.add("Import", imports.pemTab()).setId("tab-import");
        tabs.add("Import PKCS#12", imports.pkcs12Tab()).setId("tab-pkcs12");
        add(new H3("A new certificate"), tabs);
        setWidthFull();
    }

    private Component generateTab() {
        TextField hostnames = hostnamesField("generate-hostnames");
        RadioButtonGroup<String> signer = new RadioButtonGroup<>("Signed by");
        signer.setId("generate-signer");
        signer.setItems(LOCAL_CA, SELF_SIGNED);
        signer.setValue(LOCAL_CA);
        Button generate = new Button("Generate and stage", e -> {
            List<Hostname> names = hostnames(hostnames);
            if (names == null) {
                return;
            }
            CertificateSummary made = CertificateUseCases.refusalsAsFeedback(() -> LOCAL_CA.equals(signer.getValue())
                    ? uses.generate().signedByLocalAuthority(uses.session().caller(), uses.session().address(), names)
                    : uses.generate().selfSigned(uses.session().caller(), uses.session().address(), names));
            if (made != null) {
                Feedback.done("Staged a new certificate for " + String.join(", ", made.subjectAlternativeNames())
                        + ": activate it to serve it");
                staged.run();
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
            List<Hostname> names = hostnames(hostnames);
            if (names == null) {
                return;
            }
            String request = CertificateUseCases.refusalsAsFeedback(() -> uses.request().create(
                    uses.session().caller(), uses.session().address(), names, keyType.getValue()));
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

    private static TextField hostnamesField(String id) {
        TextField hostnames = new TextField("Host names and IP addresses");
        hostnames.setId(id);
        hostnames.setPlaceholder("registry.example.com, 10.0.0.7");
        hostnames.setHelperText("Separated by commas or spaces; the first is also the common name");
        hostnames.setWidthFull();
        return hostnames;
    }

    /** The parsed names, or null (after saying why at the field) when there is none or one is no host name. */
    private static List<Hostname> hostnames(TextField field) {
        List<String> parts = Arrays.stream(field.getValue().trim().split("[\\s,]+")).filter(p -> !p.isEmpty()).toList();
        if (parts.isEmpty()) {
            FieldErrors.show(field, "Give at least one host name");
            return null;
        }
        try {
            List<Hostname> names = parts.stream().map(Hostname::parse).toList();
            field.setInvalid(false);
            return names;
        } catch (CertificateRejectedException e) {
            FieldErrors.show(field, e.getMessage());
            return null;
        }
    }

    static Component form(Component... parts) {
        VerticalLayout form = new VerticalLayout(parts);
        form.setPadding(false);
        form.setMaxWidth("48em");
        return form;
    }
}
