package dev.berth.application.tls;

import dev.berth.application.access.Administration;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Use case: whether and how Berth serves HTTPS, for admins. */
@Dependent
public class DescribeTls {

    private final TlsSettings settings;

    @Inject
    public DescribeTls(TlsSettings settings) {
        this.settings = settings;
    }

    public TlsSettings describe(Caller actor) {
        Administration.requireAdmin(actor);
        return settings;
    }
}
