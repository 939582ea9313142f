package dev.berth.adapters.storage.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.HttpClientOptions;
import com.azure.core.util.polling.LongRunningOperationStatus;
import com.azure.core.util.polling.PollResponse;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobBeginCopySourceRequestConditions;
import com.azure.storage.blob.models.BlobCopyInfo;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockList;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.ConsistentReadControl;
import com.azure.storage.blob.models.CopyStatusType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobBeginCopyOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobListBlocksOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.sas.BlobSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.berth.adapters.storage.layout.KeyLayout;
import dev.berth.application.port.BlobStore;
import dev.berth.domain.Digest;
import dev.berth.domain.UploadId;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The Azure Blob Storage driver, over block blobs in one container, in the {@link KeyLayout} below
 * {@code rootdirectory}.
 *
 * <p>An upload in progress is the block blob {@code uploads/<id>}. Each write stages the request's
 * bytes as blocks of at most {@link #BLOCK_SIZE} and then commits the upload's block list: the
 * blocks kept from before the write's offset followed by the new ones. So the upload's state is
 * always Azure's committed block list, which has the sizes that {@link #uploadSize} and
 * truncation need, is readable and listed, and survives restarts and other nodes; nothing is kept
 * in memory between calls. A write at an offset inside a block re-stages that block's head. The
 * commit is conditional on the blob's ETag, so two nodes writing one upload cannot interleave.
 * Staged blocks that never get committed (a broken request) are discarded by the next commit or
 * by Azure after 7 days. A block blob holds at most 50,000 committed blocks: an upload of more
 * than 50,000 chunks fails.
 *
 * <p>{@link #commitUpload} copies the upload blob server-side onto {@code blobs/...} (a copy within
 * one account needs no bytes to pass through Berth), only if no content blob exists yet, then
 * deletes the upload. A content blob whose copy has not succeeded does not count as content.
 */
public final class AzureBlobStore implements BlobStore {

    /** Bytes staged per block; each write in progress holds one buffer of this size. */
    static final int BLOCK_SIZE = 8 << 20;

    /** Blocks of one write on their way to Azure at once, while the next is read from the client. */
    static final int PARALLEL_BLOCKS = 3;

    /** A virtual thread per block in flight. */
    private static final Executor BLOCK_SENDERS = Executors.newVirtualThreadPerTaskExecutor();

    /** Bytes fetched per ranged GET while streaming content or an upload. */
    private static final int READ_BLOCK_SIZE = 8 << 20;

    private static final Duration COPY_POLL = Duration.ofMillis(100);

    /** As the SDK's own default, but stated here rather than left to AZURE_REQUEST_*_TIMEOUT variables. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final BlobContainerClient container;
    private final String containerName;
    private final String accountName;
    private final String prefix;

    /**
     * @param serviceUrl    the Blob service endpoint, e.g. {@code https://ACCOUNT.blob.core.windows.net}
     * @param rootDirectory key prefix below which Berth keeps its blobs; "" for the container's root
     */
    public AzureBlobStore(URI serviceUrl, String accountName, String accountKey, String container,
                          String rootDirectory) {
        this(serviceUrl, accountName, accountKey, container, rootDirectory, DEFAULT_TIMEOUT);
    }

    /**
     * @param timeout how long Azure may stay silent (before its answer, between its bytes, or not
     *                taking Berth's) before that attempt fails and is retried: a store that hangs fails
     *                the call within the attempts' total instead of holding the client's request forever
     */
    public AzureBlobStore(URI serviceUrl, String accountName, String accountKey, String container,
                          String rootDirectory, Duration timeout) {
        this.accountName = accountName;
        this.containerName = container;
        this.prefix = KeyLayout.normalizePrefix(rootDirectory);
        this.container = new BlobServiceClientBuilder()
                .endpoint(serviceUrl.toString())
                .credential(new StorageSharedKeyCredential(accountName, accountKey))
                // a few quick retries: the SDK's default backs off for a minute before an unreachable store fails
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 4, (Duration) null,
                        Duration.ofMillis(200), Duration.ofSeconds(2), null))
                .clientOptions(new HttpClientOptions().setConnectTimeout(CONNECT_TIMEOUT).setResponseTimeout(timeout)
                        .setReadTimeout(timeout).setWriteTimeout(timeout))
                .buildClient()
                .getBlobContainerClient(container);
    }

    @Override
    public String driverName() {
        return "azure";
    }

    @Override
    public String location() {
        return container.getBlobContainerUrl() + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    @Override
    public long writeUpload(UploadId upload, long offset, InputStream data) throws IOException {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        BlockBlobClient blob = uploadBlob(upload).getBlockBlobClient();
        Committed committed = committedBlocks(blob);
        if (committed == null && offset > 0 || committed != null && offset > committed.size()) {
            throw new IllegalStateException("upload " + upload + " has " + (committed == null ? 0 : committed.size())
                    + " bytes; cannot write at " + offset);
        }
        List<String> blockIds = new ArrayList<>();
        long position = 0;
        InputStream bytes = data;
        if (committed != null) {
            for (Block block : committed.blocks()) {
                long end = position + block.getSizeLong();
                if (end > offset) {
                    if (position < offset) {
                        // the write starts inside this block: its head is staged again with the new bytes
                        bytes = new SequenceInputStream(read(blob, committed.etag(), position, offset - position), data);
                    }
                    break;
                }
                blockIds.add(block.getName());
                position = end;
            }
        }
        position = stageBlocks(upload, blob, bytes, position, blockIds);
        BlobRequestConditions unchanged = committed == null
                ? new BlobRequestConditions().setIfNoneMatch("*")
                : new BlobRequestConditions().setIfMatch(committed.etag());
        try {
            blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(blockIds)
                    .setRequestConditions(unchanged), null, null);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 412 || e.getStatusCode() == 409) {
                throw new IllegalStateException("upload " + upload + " was written concurrently; retry", e);
            }
            throw failure("commit the blocks of upload " + upload, e);
        } catch (RuntimeException e) {
            throw failure("commit the blocks of upload " + upload, e);
        }
        return position;
    }

    /**
     * Stages {@code bytes} as blocks from {@code position} on, adding their ids to {@code blockIds} in
     * order, and returns the position after them. Up to {@link #PARALLEL_BLOCKS} blocks are on their
     * way to Azure while the next one is read from the client (Azure accepts blocks in any order; the
     * committed list fixes it): memory stays at {@code PARALLEL_BLOCKS + 1} blocks per write.
     */
    private long stageBlocks(UploadId upload, BlockBlobClient blob, InputStream bytes, long position,
                             List<String> blockIds) throws IOException {
        int nonce = ThreadLocalRandom.current().nextInt();
        BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(PARALLEL_BLOCKS + 1);
        int buffers = 0;
        List<CompletableFuture<Void>> staging = new ArrayList<>();
        try {
            while (true) {
                failed(upload, staging);
                byte[] buffer = free.poll();
                if (buffer == null && buffers <= PARALLEL_BLOCKS) {
                    buffer = new byte[BLOCK_SIZE];
                    buffers++;
                } else if (buffer == null) {
                    buffer = free.take();
                }
                int filled = bytes.readNBytes(buffer, 0, buffer.length);
                if (filled == 0) {
                    break;
                }
                String id = blockId(position, nonce);
                byte[] staged = buffer;
                BinaryData block = BinaryData.fromByteBuffer(ByteBuffer.wrap(staged, 0, filled));
                staging.add(CompletableFuture.runAsync(() -> {
                    try {
                        blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id, block), null, null);
                    } finally {
                        free.add(staged);
                    }
                }, BLOCK_SENDERS));
                blockIds.add(id);
                position += filled;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while staging the blocks of upload " + upload);
        } catch (IOException | RuntimeException e) {
            // the client went away: the blocks in flight land (or fail) before this returns; none is committed
            CompletableFuture.allOf(staging.toArray(CompletableFuture[]::new)).exceptionally(ignored -> null).join();
            throw e;
        }
        CompletableFuture.allOf(staging.toArray(CompletableFuture[]::new)).exceptionally(ignored -> null).join();
        failed(upload, staging);
        return position;
    }

    /** Throws the failure of the first block that could not be staged, if any. */
    private void failed(UploadId upload, List<CompletableFuture<Void>> staging) throws IOException {
        for (CompletableFuture<Void> block : staging) {
            if (block.isCompletedExceptionally()) {
                try {
                    block.join();
                } catch (CompletionException e) {
                    String what = "stage a block of upload " + upload;
                    throw e.getCause() instanceof RuntimeException cause ? failure(what, cause) : new IOException(what, e.getCause());
                }
            }
        }
    }

    @Override
    public long uploadSize(UploadId upload) throws IOException {
        BlobProperties properties = properties(uploadBlob(upload));
        return properties == null ? 0 : properties.getBlobSize();
    }

    @Override
    public InputStream readUpload(UploadId upload, long offset) throws IOException {
        BlobClient blob = uploadBlob(upload);
        BlobProperties properties = properties(blob);
        long size = properties == null ? 0 : properties.getBlobSize();
        if (offset > size) {
            throw new IllegalStateException("upload " + upload + " has " + size + " bytes; cannot read from " + offset);
        }
        if (offset == size) {
            return InputStream.nullInputStream();
        }
        return read(blob.getBlockBlobClient(), properties.getETag(), offset, size - offset);
    }

    @Override
    public void commitUpload(UploadId upload, Digest digest) throws IOException {
        BlobClient content = contentBlob(digest);
        BlobClient source = uploadBlob(upload);
        for (int attempt = 0; !isContent(properties(content)); attempt++) {
            BlobProperties sourceProperties = properties(source);
            if (sourceProperties == null) {
                if (!isEmptyContent(digest)) {
                    throw new NoSuchFileException("upload " + upload + " has no bytes in " + location());
                }
                // an upload that never received bytes is the empty blob; the digest proves it
                writeUpload(upload, 0, InputStream.nullInputStream());
                continue;
            }
            if (attempt > 3) {
                throw new IOException("could not copy upload " + upload + " to " + digest + " in " + location());
            }
            copy(source, sourceProperties, content);
        }
        deleteUpload(upload);
    }

    /** Copies the upload onto the content blob unless one exists; a failed earlier copy is removed first. */
    private void copy(BlobClient source, BlobProperties sourceProperties, BlobClient content) throws IOException {
        try {
            PollResponse<BlobCopyInfo> done = content.beginCopy(new BlobBeginCopyOptions(source.getBlobUrl())
                    .setSourceRequestConditions(new BlobBeginCopySourceRequestConditions().setIfMatch(sourceProperties.getETag()))
                    .setDestinationRequestConditions(new BlobRequestConditions().setIfNoneMatch("*"))
                    .setPollInterval(COPY_POLL)).waitForCompletion();
            if (done.getStatus() != LongRunningOperationStatus.SUCCESSFULLY_COMPLETED) {
                throw new IOException("copy to " + content.getBlobName() + " ended " + done.getStatus());
            }
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 409 && e.getStatusCode() != 412) {
                throw failure("copy " + source.getBlobName() + " to " + content.getBlobName(), e);
            }
            // another push of the same content won the race: wait for its copy, or clear up a failed one
            BlobProperties existing;
            while ((existing = properties(content)) != null && existing.getCopyStatus() == CopyStatusType.PENDING) {
                sleep();
            }
            if (existing != null && !isContent(existing)) {
                deleteIfExists(content, new BlobRequestConditions().setIfMatch(existing.getETag()));
            }
        } catch (RuntimeException e) {
            throw failure("copy " + source.getBlobName() + " to " + content.getBlobName(), e);
        }
    }

    @Override
    public void deleteUpload(UploadId upload) throws IOException {
        deleteIfExists(uploadBlob(upload), null);
    }

    @Override
    public OptionalLong size(Digest digest) throws IOException {
        BlobProperties properties = properties(contentBlob(digest));
        return isContent(properties) ? OptionalLong.of(properties.getBlobSize()) : OptionalLong.empty();
    }

    @Override
    public InputStream read(Digest digest, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length);
        }
        BlobClient blob = contentBlob(digest);
        BlobProperties properties = properties(blob);
        if (!isContent(properties)) {
            throw new NoSuchFileException(digest + " is not stored in " + location());
        }
        if (offset + length > properties.getBlobSize()) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + length + " beyond the "
                    + properties.getBlobSize() + " bytes of " + digest);
        }
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        return read(blob.getBlockBlobClient(), properties.getETag(), offset, length);
    }

    @Override
    public void delete(Digest digest) throws IOException {
        deleteIfExists(contentBlob(digest), null);
    }

    @Override
    public Stream<Digest> listContent() throws IOException {
        return list(KeyLayout.BLOBS)
                .filter(item -> isCopied(item.getProperties().getCopyStatus()))
                .flatMap(item -> KeyLayout.parseContentKey(relative(item.getName())).stream());
    }

    @Override
    public Stream<StoredUpload> listUploads() throws IOException {
        return list(KeyLayout.UPLOADS).flatMap(item -> KeyLayout.parseUploadKey(relative(item.getName())).stream()
                .map(upload -> new StoredUpload(upload, item.getProperties().getContentLength(),
                        item.getProperties().getLastModified().toInstant())));
    }

    /** A read-only service SAS for the one content blob, signed with the account key, expiring after {@code validity}. */
    @Override
    public Optional<URI> directUrl(Digest digest, Duration validity) throws IOException {
        if (size(digest).isEmpty()) {
            return Optional.empty();
        }
        BlobClient blob = contentBlob(digest);
        String sas = blob.generateSas(new BlobServiceSasSignatureValues(OffsetDateTime.now().plus(validity),
                new BlobSasPermission().setReadPermission(true)));
        return Optional.of(URI.create(blob.getBlobUrl() + "?" + sas));
    }

    private Stream<BlobItem> list(String tree) throws IOException {
        ListBlobsOptions options = new ListBlobsOptions().setPrefix(KeyLayout.under(prefix, tree) + "/");
        try {
            // pages are fetched as the stream is consumed
            return container.listBlobs(options, null).stream();
        } catch (RuntimeException e) {
            throw failure("list " + options.getPrefix(), e);
        }
    }

    private String relative(String name) {
        return prefix.isEmpty() ? name : name.substring(prefix.length() + 1);
    }

    private BlobClient uploadBlob(UploadId upload) {
        return container.getBlobClient(KeyLayout.under(prefix, KeyLayout.uploadKey(upload)));
    }

    private BlobClient contentBlob(Digest digest) {
        return container.getBlobClient(KeyLayout.under(prefix, KeyLayout.contentKey(digest)));
    }

    /** Block ids must have one length per blob; this one sorts by the block's offset and is unique per write. */
    private static String blockId(long offset, int nonce) {
        String id = String.format("%016x-%08x", offset, nonce);
        return Base64.getEncoder().encodeToString(id.getBytes(StandardCharsets.US_ASCII));
    }

    private record Committed(List<Block> blocks, String etag) {
        long size() {
            return blocks.stream().mapToLong(Block::getSizeLong).sum();
        }
    }

    /** The committed blocks of an upload, or null when its blob does not exist. */
    private Committed committedBlocks(BlockBlobClient blob) throws IOException {
        try {
            Response<BlockList> response = blob.listBlocksWithResponse(
                    new BlockBlobListBlocksOptions(BlockListType.COMMITTED), null, null);
            return new Committed(response.getValue().getCommittedBlocks(),
                    response.getHeaders().getValue(HttpHeaderName.ETAG));
        } catch (BlobStorageException e) {
            if (e.getErrorCode() == BlobErrorCode.BLOB_NOT_FOUND) {
                return null;
            }
            throw failure("list the blocks of " + blob.getBlobName(), e);
        } catch (RuntimeException e) {
            throw failure("list the blocks of " + blob.getBlobName(), e);
        }
    }

    /** Streams a range of a blob in ranged GETs of {@link #READ_BLOCK_SIZE}, failing if the blob changes meanwhile. */
    private InputStream read(BlockBlobClient blob, String etag, long offset, long length) throws IOException {
        return call("read " + blob.getBlobName(), () -> blob.openInputStream(new BlobInputStreamOptions()
                .setRange(new BlobRange(offset, length))
                .setBlockSize(READ_BLOCK_SIZE)
                .setRequestConditions(new BlobRequestConditions().setIfMatch(etag))
                .setConsistentReadControl(ConsistentReadControl.ETAG)));
    }

    /** The blob's properties, or null when it does not exist. */
    private BlobProperties properties(BlobClient blob) throws IOException {
        try {
            return blob.getProperties();
        } catch (BlobStorageException e) {
            if (e.getStatusCode() == 404 && e.getErrorCode() != BlobErrorCode.CONTAINER_NOT_FOUND) {
                return null;
            }
            throw failure("read the properties of " + blob.getBlobName(), e);
        } catch (RuntimeException e) {
            throw failure("read the properties of " + blob.getBlobName(), e);
        }
    }

    private void deleteIfExists(BlobClient blob, BlobRequestConditions conditions) throws IOException {
        try {
            blob.deleteIfExistsWithResponse(null, conditions, null, null);
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 412) {
                throw failure("delete " + blob.getBlobName(), e);
            }
        } catch (RuntimeException e) {
            throw failure("delete " + blob.getBlobName(), e);
        }
    }

    /** Whether a blob is content: it exists and is no unfinished or failed copy. */
    private static boolean isContent(BlobProperties properties) {
        return properties != null && isCopied(properties.getCopyStatus());
    }

    private static boolean isCopied(CopyStatusType status) {
        return status == null || status == CopyStatusType.SUCCESS;
    }

    private static boolean isEmptyContent(Digest digest) {
        return digest.equals(digest.algorithm().newDigester().finish());
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(COPY_POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a copy", e);
        }
    }

    private interface Call<T> {
        T run();
    }

    private <T> T call(String what, Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (RuntimeException e) {
            throw failure(what, e);
        }
    }

    /** A short, readable error: the SDK's own messages carry the whole XML response. */
    private IOException failure(String what, RuntimeException e) {
        if (e instanceof BlobStorageException storage) {
            String code = storage.getErrorCode() == null ? "" : storage.getErrorCode() + ", ";
            String hint = switch (storage.getStatusCode()) {
                case 403 -> ": Azure refused the credentials of account '" + accountName
                        + "' (check storage.azure.accountname and accountkey)";
                case 404 -> storage.getErrorCode() == BlobErrorCode.CONTAINER_NOT_FOUND
                        ? ": container '" + containerName + "' does not exist (create it first)" : "";
                default -> "";
            };
            return new IOException("Azure Blob Storage could not " + what + " in " + location() + " ("
                    + code + "HTTP " + storage.getStatusCode() + ")" + hint, e);
        }
        return new IOException("Azure Blob Storage could not " + what + " in " + location() + ": " + e, e);
    }
}
