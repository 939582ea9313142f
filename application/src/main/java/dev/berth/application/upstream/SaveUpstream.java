package dev.berth.application.upstream;

import dev.berth.application.access.Administration;
import dev.berth.application.port.AuditLog;
import dev.berth.application.port.Transactions;
import dev.berth.application.port.UpstreamRules;
import dev.berth.application.port.UpstreamStore;
import dev.berth.domain.access.Caller;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Use case: an administrator adds an upstream, or edits one added before, by the configuration's
 * rules; audited (never the password). It routes at once on this node and, by the store's notice,
 * on every other: no restart. Upstreams from the configuration are changed there only.
 */
@Dependent
public class SaveUpstream {

    private final UpstreamRules rules;
    private final UpstreamStore store;
    private final Transactions transactions;
    private final AuditLog audit;
    private final Clock clock;

    @Inject
    public SaveUpstream(UpstreamRules rules, UpstreamStore store, Transactions transactions, AuditLog audit,
                        Clock clock) {
        this.rules = rules;
        this.store = store;
        this.transactions = transactions;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * @param editing the prefix of the stored upstream edited; empty to add one
     * @throws InvalidUpstream with each problem at its field
     */
    public Upstream save(Caller caller, String address, Optional<String> editing, UpstreamForm form) {
        Administration.requireAdmin(caller);
        String action = editing.isPresent() ? "upstream.edit" : "upstream.add";
        Upstream saved;
        try {
            saved = transactions.inTransaction(() -> {
                UpstreamForm checked = form;
                if (editing.isPresent()) {
                    Upstream before = store.find(editing.get()).orElseThrow(() -> InvalidUpstream.at("",
                            "there is no upstream " + editing.get() + " any more (removed meanwhile?)"));
                    if (form.password().isEmpty() && form.username().equals(before.username().orElse(""))) {
                        checked = form.withPassword(before.password().orElse(""));
                    }
                }
                List<Upstream> others = new ArrayList<>(rules.configured());
                store.list().stream().filter(u -> editing.map(e -> !e.equals(u.prefix())).orElse(true))
                        .forEach(others::add);
                Upstream upstream = rules.check(checked, others);
                if (!store.save(editing, upstream)) {
                    throw InvalidUpstream.at("prefix", "another upstream took " + upstream.prefix() + " meanwhile");
                }
                Administration.audit(audit, clock.instant(), caller, address, action, upstream.prefix(), true,
                        editing.filter(e -> !e.equals(upstream.prefix())).map(e -> "was " + e + "; ").orElse("")
                                + upstream.describe());
                return upstream;
            });
        } catch (InvalidUpstream e) {
            Administration.audit(audit, clock.instant(), caller, address, action,
                    editing.orElse(form.prefix()), false, "refused: " + e.getMessage());
            throw e;
        }
        rules.reload();
        return saved;
    }
}
