package dev.berth.adapters.storage.contract;

import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import dev.berth.domain.UploadId;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Whole blobs in and out of any driver, for tests that are about something else. */
public final class StoredBlobs {

    private StoredBlobs() {
    }

    /** Uploads {@code content} in one write, commits it under its SHA-256 and returns that digest. */
    public static Digest push(BlobStore store, byte[] content) throws IOException {
        UploadId upload = UploadId.random();
        store.writeUpload(upload, 0, new ByteArrayInputStream(content));
        Digest digest = Digest.of(DigestAlgorithm.SHA256, content);
        store.commitUpload(upload, digest);
        return digest;
    }

    /** Every byte of the committed content. */
    public static byte[] readAll(BlobStore store, Digest digest) throws IOException {
        try (InputStream in = store.read(digest, 0, store.size(digest).orElseThrow())) {
            return in.readAllBytes();
        }
    }
}
