package dev.berth.adminui;

import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import dev.berth.application.tls.ActivateCertificate;
import dev.berth.application.tls.CreateCertificateRequest;
import dev.berth.application.tls.DescribeTls;
import dev.berth.application.tls.DiscardStagedCertificate;
import dev.berth.application.tls.GenerateCertificate;
import dev.berth.application.tls.GetCaCertificate;
import dev.berth.application.tls.ImportCertificate;
import dev.berth.application.tls.ShowServedCertificate;
import dev.berth.application.tls.ShowStagedCertificate;
import dev.berth.application.tls.TlsSettings;
import jakarta.inject.Inject;

/**
 * HTTPS certificates: what is served (and how long it has left), what is staged, making a new one
 * (from Berth's CA, self-signed, or through a CSR), importing one, switching to it without a
 * restart or discarding it, and the CA certificate clients install. Each part is its own component
 * ({@link CertificateSections}, {@link NewCertificateForms}, {@link CertificateImports}); this page
 * shows them anew after a change. With TLS off, {@link TlsOffHint}.
 */
@Route(value = "certificates", layout = MainLayout.class)
@PageTitle("Berth · Certificates")
public class CertificatesView extends VerticalLayout implements AdminOnly {

    private CertificateSections.Served servedBox;
    private CertificateSections.Staged stagedBox;
    private CertificateSections.ClientTrust trustBox;

    @Inject
    public CertificatesView(AdminSession session, DescribeTls describeTls, ShowServedCertificate served,
                            ShowStagedCertificate staged, GenerateCertificate generate,
                            CreateCertificateRequest request, ImportCertificate importer,
                            ActivateCertificate activate, DiscardStagedCertificate discard, GetCaCertificate ca) {
        CertificateUseCases uses = new CertificateUseCases(session, served, staged, generate, request, importer,
                activate, discard, ca);
        setWidthFull();
        add(new H2("Certificates"));
        TlsSettings tls = describeTls.describe(session.caller());
        if (!tls.enabled()) {
            add(new TlsOffHint());
            return;
        }
        add(new Paragraph(tls.managed()
                ? "Berth manages this certificate (http.tls.managed): at start and daily it renews a certificate "
                + "from its local CA that nears its end. A certificate activated here stays until you activate "
                + "another, and every node of the cluster serves it."
                : "HTTPS serves the files in http.tls.certificate at every start: a certificate activated here "
                + "lasts until the next restart of any node (every node serves it meanwhile). Replace those files "
                + "to make a change permanent."));
        servedBox = new CertificateSections.Served(uses);
        stagedBox = new CertificateSections.Staged(uses, () -> {
            refresh();
            servedBox.scrollIntoView();
        }, this::refresh);
        trustBox = new CertificateSections.ClientTrust(uses);
        add(servedBox, stagedBox, new NewCertificateForms(uses, () -> {
            refresh();
            stagedBox.scrollIntoView();
        }), trustBox);
        refresh();
    }

    private void refresh() {
        servedBox.refresh();
        stagedBox.refresh();
        trustBox.refresh();
    }
}
