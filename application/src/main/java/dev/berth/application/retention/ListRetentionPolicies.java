package dev.berth.application.retention;

import dev.berth.application.access.Administration;
import dev.berth.application.port.RetentionStore;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/** Use case: the retention policies, for administrators. */
@Dependent
public class ListRetentionPolicies {

    private final RetentionStore retention;

    @Inject
    public ListRetentionPolicies(RetentionStore retention) {
        this.retention = retention;
    }

    public List<RetentionPolicy> list(Caller caller) {
        Administration.requireAdmin(caller);
        return retention.policies();
    }
}
