package dev.berth.adminui;

import com.vaadin.flow.component.html.Div;
import dev.berth.application.tls.CertificateSummary;

/** A certificate's facts and days left; with a prefix, each value carries an id {@code PREFIX-field}. */
final class CertificateFacts extends Div {

    static final int WARN_DAYS = 30;

    CertificateFacts(CertificateSummary c, String prefix) {
        add(Widgets.row("Subject", c.subject(), id(prefix, "subject")),
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
        add(days);
        getStyle().set("margin-bottom", "var(--lumo-space-s)");
    }

    private static String id(String prefix, String field) {
        return prefix == null ? null : prefix + "-" + field;
    }
}
