package dev.berth.adminui;

import dev.berth.application.tls.ActivateCertificate;
import dev.berth.application.tls.CertificatePasswordException;
import dev.berth.application.tls.CertificateRejectedException;
import dev.berth.application.tls.CreateCertificateRequest;
import dev.berth.application.tls.DiscardStagedCertificate;
import dev.berth.application.tls.GenerateCertificate;
import dev.berth.application.tls.GetCaCertificate;
import dev.berth.application.tls.ImportCertificate;
import dev.berth.application.tls.ShowServedCertificate;
import dev.berth.application.tls.ShowStagedCertificate;
import com.vaadin.flow.component.textfield.PasswordField;

import java.util.function.Supplier;

/**
 * What the certificates page and its parts call, with the session they call it for; and how they
 * show the use cases' refusals, whose reasons are meant for the operator.
 */
record CertificateUseCases(AdminSession session, ShowServedCertificate served, ShowStagedCertificate staged,
                           GenerateCertificate generate, CreateCertificateRequest request,
                           ImportCertificate importer, ActivateCertificate activate,
                           DiscardStagedCertificate discard, GetCaCertificate ca) {

    /** What {@code work} returns, or null after showing why it was refused. */
    static <T> T refusalsAsFeedback(Supplier<T> work) {
        try {
            return work.get();
        } catch (CertificatePasswordException e) {
            throw e;
        } catch (CertificateRejectedException e) {
            Feedback.failed(e.getMessage());
            return null;
        }
    }

    /** As {@link #refusalsAsFeedback}, but a wrong or missing password shows at its field. */
    static <T> T refusalsAtField(PasswordField password, Supplier<T> work) {
        password.setInvalid(false);
        try {
            return refusalsAsFeedback(work);
        } catch (CertificatePasswordException e) {
            FieldErrors.show(password, e.getMessage());
            return null;
        }
    }
}
