package dev.berth.application.upstream;

import dev.berth.application.access.Administration;
import dev.berth.application.port.UpstreamRules;
import dev.berth.application.port.UpstreamStore;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Use case: every upstream of the pull-through cache, configured and stored, by prefix; administrators only. */
@Dependent
public class ListUpstreams {

    private final UpstreamRules rules;
    private final UpstreamStore store;

    @Inject
    public ListUpstreams(UpstreamRules rules, UpstreamStore store) {
        this.rules = rules;
        this.store = store;
    }

    public List<Upstream> list(Caller caller) {
        Administration.requireAdmin(caller);
        List<Upstream> all = new ArrayList<>(rules.configured());
        all.addAll(store.list());
        all.sort(Comparator.comparing(Upstream::prefix));
        return all;
    }
}
