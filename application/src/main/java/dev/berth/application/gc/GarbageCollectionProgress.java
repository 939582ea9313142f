package dev.berth.application.gc;

/**
 * What a garbage collection run has done so far, for whoever watches it (the admin UI's "run now"):
 * the run's thread writes, others read while it runs. One writer, so volatile fields are enough.
 */
public final class GarbageCollectionProgress {

    /** The steps of a run, in order. */
    public enum Phase {
        STARTING("starting"),
        REVIEWING_MANIFESTS("reviewing manifests"),
        REVIEWING_BLOBS("reviewing blobs"),
        DELETING("deleting condemned content"),
        SWEEPING_ORPHANS("sweeping storage for orphans"),
        DONE("done");

        private final String description;

        Phase(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private volatile Phase phase = Phase.STARTING;
    volatile long reviewed;
    volatile long blobs;
    volatile long bytes;
    volatile long manifests;
    volatile long orphans;
    volatile long orphanBytes;
    /** An orphan was condemned in this run: its bytes are deleted at the end. */
    volatile boolean orphanCondemned;

    void enter(Phase next) {
        phase = next;
    }

    public Phase phase() {
        return phase;
    }

    /** Queue entries reviewed (blobs). */
    public long reviewed() {
        return reviewed;
    }

    public long blobsFreed() {
        return blobs;
    }

    public long bytesFreed() {
        return bytes;
    }

    public long manifestsFreed() {
        return manifests;
    }

    public long orphansFreed() {
        return orphans;
    }

    public long orphanBytesFreed() {
        return orphanBytes;
    }
}
