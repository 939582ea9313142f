package com.google.cloud.storage.contrib.nio.testing;

import com.google.api.services.storage.model.StorageObject;
import com.google.cloud.Tuple;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.spi.v1.StorageRpc;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The client library's in-process GCS fake ({@code LocalStorageHelper}'s {@code FakeStorageRpc},
 * which stores objects in a map) made fit for the driver kit: it composes objects (the original
 * answers null), honours "only if absent" on compose, lists in name order as GCS does, and
 * serializes calls. In this package because the original class is package-private.
 */
public final class ComposingFakeStorage extends FakeStorageRpc {

    private ComposingFakeStorage() {
        super(true);
    }

    /** A client over a new, empty fake. */
    public static Storage create() {
        ComposingFakeStorage rpc = new ComposingFakeStorage();
        return StorageOptions.newBuilder().setProjectId("berth-test").setServiceRpcFactory(options -> rpc)
                .build().getService();
    }

    @Override
    public synchronized StorageObject compose(Iterable<StorageObject> sources, StorageObject target,
                                              Map<StorageRpc.Option, ?> options) {
        Object generation = options.get(StorageRpc.Option.IF_GENERATION_MATCH);
        if (generation != null && ((Number) generation).longValue() == 0 && exists(target)) {
            throw new StorageException(412, "Precondition Failed");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (StorageObject source : sources) {
            bytes.writeBytes(load(new StorageObject().setBucket(target.getBucket()).setName(source.getName()), Map.of()));
        }
        return create(target, new ByteArrayInputStream(bytes.toByteArray()), Map.of());
    }

    private boolean exists(StorageObject target) {
        try {
            return get(new StorageObject().setBucket(target.getBucket()).setName(target.getName()), Map.of()) != null;
        } catch (StorageException e) {
            if (e.getCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public synchronized StorageObject create(StorageObject object, java.io.InputStream content,
                                             Map<StorageRpc.Option, ?> options) {
        Object generation = options.get(StorageRpc.Option.IF_GENERATION_MATCH);
        if (generation != null && ((Number) generation).longValue() == 0 && exists(object)) {
            throw new StorageException(412, "Precondition Failed");
        }
        Map<StorageRpc.Option, ?> rest = new java.util.HashMap<>(options);
        rest.remove(StorageRpc.Option.IF_GENERATION_MATCH);
        return super.create(object, content, rest);
    }

    @Override
    public synchronized Tuple<String, Iterable<StorageObject>> list(String bucket, Map<StorageRpc.Option, ?> options) {
        Tuple<String, Iterable<StorageObject>> page = super.list(bucket, options);
        List<StorageObject> sorted = new ArrayList<>();
        page.y().forEach(sorted::add);
        sorted.sort(Comparator.comparing(StorageObject::getName));
        return Tuple.of(page.x(), sorted);
    }

    @Override
    public synchronized StorageObject get(StorageObject object, Map<StorageRpc.Option, ?> options) {
        return super.get(object, options);
    }

    @Override
    public synchronized boolean delete(StorageObject object, Map<StorageRpc.Option, ?> options) {
        return super.delete(object, options);
    }
}
