package dev.berth.application.registry;

import dev.berth.domain.UploadId;
import dev.berth.domain.error.RangeInvalidException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One writer per upload at a time in this JVM. A second request writing to the same upload while
 * the first streams would rewrite bytes under the first one's hash state (a blob could then be
 * stored under a digest its bytes do not have); it is refused at once instead of waiting.
 * Across nodes this needs a lease in the metadata store (not yet).
 */
@ApplicationScoped
public class UploadLocks {

    private final Map<UploadId, ReentrantLock> locks = new ConcurrentHashMap<>();

    <T> T exclusively(UploadId upload, Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(upload, id -> new ReentrantLock());
        if (!lock.tryLock()) {
            throw new RangeInvalidException("another request is writing to this upload");
        }
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    void forget(UploadId upload) {
        locks.remove(upload);
    }
}
