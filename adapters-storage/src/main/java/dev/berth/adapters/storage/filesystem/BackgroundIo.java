package dev.berth.adapters.storage.filesystem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Disk work the filesystem driver runs beside the request's thread, on a virtual thread, its IOException kept. */
final class BackgroundIo {

    /** Disk work that may fail. */
    interface Work {
        void run() throws IOException;
    }

    private BackgroundIo() {
    }

    /** Starts {@code work} on a virtual thread named {@code name}. */
    static CompletableFuture<Void> start(String name, Work work) {
        return CompletableFuture.runAsync(() -> {
            try {
                work.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, task -> Thread.ofVirtual().name(name).start(task));
    }

    /** Waits for {@code running}; its failure (a full volume, an I/O error) is this call's. */
    static void await(CompletableFuture<Void> running) throws IOException {
        try {
            running.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        }
    }
}
