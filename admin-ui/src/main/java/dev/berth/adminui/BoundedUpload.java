package dev.berth.adminui;

import com.vaadin.flow.server.streams.UploadEvent;
import com.vaadin.flow.server.streams.UploadHandler;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.BiConsumer;

/**
 * An upload read into memory, {@code max} bytes at most whatever the browser was told: Vaadin's own
 * in-memory handler reads any size, and the upload component's limit binds only well-behaved clients.
 */
final class BoundedUpload implements UploadHandler {

    private final int max;
    private final BiConsumer<String, byte[]> received;

    /** @param received the file's name and bytes, called with the page's lock held */
    BoundedUpload(int max, BiConsumer<String, byte[]> received) {
        this.max = max;
        this.received = received;
    }

    @Override
    public void handleUploadRequest(UploadEvent event) throws IOException {
        byte[] bytes;
        try (InputStream in = event.getInputStream()) {
            bytes = in.readNBytes(max + 1);
        }
        if (bytes.length > max) {
            event.reject(event.getFileName() + " is larger than " + Format.bytes(max));
            return;
        }
        String name = event.getFileName();
        event.getUI().access(() -> received.accept(name, bytes));
    }
}
