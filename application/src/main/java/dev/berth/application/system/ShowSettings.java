package dev.berth.application.system;

import dev.berth.application.access.Administration;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

/** Use case: the effective configuration, for administrators (secrets arrive masked). */
@Dependent
public class ShowSettings {

    private final EffectiveSettings settings;

    @Inject
    public ShowSettings(EffectiveSettings settings) {
        this.settings = settings;
    }

    public EffectiveSettings show(Caller caller) {
        Administration.requireAdmin(caller);
        return settings;
    }
}
