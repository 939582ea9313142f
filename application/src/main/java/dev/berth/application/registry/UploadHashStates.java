package dev.berth.application.registry;

import dev.berth.domain.Digester;
import dev.berth.domain.UploadId;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Running SHA-256 states of uploads in progress, kept in this JVM so that each chunk is hashed once.
 * Only a cache: a state is valid for exactly one offset, and when it is missing (another node took
 * the previous chunk, a restart, eviction) the upload's stored bytes are hashed again.
 */
@ApplicationScoped
public class UploadHashStates {

    private static final int MAX_ENTRIES = 4096;

    private record State(long offset, Digester digester) {
    }

    private final Map<UploadId, State> states = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UploadId, State> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** Takes the state out (one request owns it at a time); null when absent or not at {@code offset}. */
    synchronized Digester take(UploadId upload, long offset) {
        State state = states.remove(upload);
        return state != null && state.offset() == offset ? state.digester() : null;
    }

    synchronized void put(UploadId upload, long offset, Digester digester) {
        states.put(upload, new State(offset, digester));
    }

    synchronized void forget(UploadId upload) {
        states.remove(upload);
    }
}
