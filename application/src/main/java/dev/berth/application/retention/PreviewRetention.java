package dev.berth.application.retention;

import dev.berth.application.access.Administration;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.List;

/** Use case: the retention dry run, what a run now would delete; deletes nothing. */
@Dependent
public class PreviewRetention {

    private final PlanRetention planner;

    @Inject
    public PreviewRetention(PlanRetention planner) {
        this.planner = planner;
    }

    public List<ExpiredTag> preview(Caller caller) {
        Administration.requireAdmin(caller);
        return planner.plan();
    }
}
