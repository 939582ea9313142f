package dev.berth.application.tls;

import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Use case, at start and daily: warn in the log while the served certificate has fewer than
 * {@value #WARN_DAYS} days left (an error once expired), so renewal does not come as an outage.
 */
@Dependent
public class WarnCertificateExpiry {

    static final int WARN_DAYS = 30;
    private static final Logger LOG = Logger.getLogger(WarnCertificateExpiry.class.getName());

    private final CertificateStore store;
    private final Clock clock;

    @Inject
    public WarnCertificateExpiry(CertificateStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** @return the warning logged, if any */
    public Optional<String> check() {
        return store.served().flatMap(served -> {
            CertificateSummary leaf = CertificateSummary.of(served.leaf(), clock);
            if (leaf.daysLeft() >= WARN_DAYS) {
                return Optional.empty();
            }
            boolean expired = !clock.instant().isBefore(leaf.notAfter());
            String message = expired
                    ? "The served TLS certificate (" + leaf.subject() + ") EXPIRED on " + leaf.notAfter()
                    + ": clients refuse it; import or generate a new one and activate it"
                    : "The served TLS certificate (" + leaf.subject() + ") expires in " + leaf.daysLeft()
                    + " days, on " + leaf.notAfter() + ": renew it";
            LOG.log(expired ? Level.SEVERE : Level.WARNING, message);
            return Optional.of(message);
        });
    }
}
