package dev.berth.adapters.db;

import jakarta.persistence.EntityManager;

/**
 * Deleting manifests and repositories, one transaction at a time across the registry. A deletion's
 * cascade queues the layers of what it deletes for garbage collection, and a repository's also updates
 * their usage counters, in the order it meets them: deletions of manifests that share layers met them
 * in opposite orders and deadlocked (PostgreSQL then aborts one, and its client gets an error).
 * Deletions are short and rare next to pushes and pulls, so they take turns instead: each deleting
 * transaction takes this lock before any other.
 */
final class DeletionTurns {

    /** "berthdel": no other advisory lock of Berth uses a single 64-bit key. */
    private static final long KEY = 0x6265727468_64656CL;

    private DeletionTurns() {
    }

    /** Waits for the deletions under way to commit; held until this transaction ends. */
    static void take(EntityManager em) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(:key)").setParameter("key", KEY).getSingleResult();
    }
}
