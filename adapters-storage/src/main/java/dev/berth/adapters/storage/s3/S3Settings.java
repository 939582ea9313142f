package dev.berth.adapters.storage.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to reach a bucket and how to write into it. Built from {@code storage.s3} or {@code storage.oss}
 * by the composition root; {@link #toString()} never shows the secret.
 *
 * @param driverName    "s3" or "oss", for logs and the admin UI
 * @param endpoint      the service endpoint, or empty for AWS's own endpoint of {@code region}
 * @param pathStyle     bucket in the path ({@code host/bucket/key}) rather than in the host name
 * @param accessKey     with {@code secretKey}: static credentials; both empty: the SDK's default chain
 * @param encrypt       server-side encryption of everything written (SSE-S3, or SSE-KMS with {@code kmsKeyId})
 * @param chunkSize     the size of each part object, and so of every multipart part; also the bound of
 *                      the memory one write holds
 * @param prefix        the key prefix below which everything lives (canonical, see KeyLayout.normalizePrefix)
 * @param skipVerify    accept any TLS certificate (test setups only)
 * @param storageClass  the storage class of committed content, or empty for the bucket's default
 * @param chunkedUpload whether request bodies may use aws-chunked signing (off for stores that lack it, like OSS)
 * @param readTimeout   how long the store may stay silent while Berth waits for an answer (or its next
 *                      bytes) before that attempt fails and is retried: a store that hangs fails the
 *                      call within the attempts' total instead of holding the client's request forever
 */
public record S3Settings(String driverName, String bucket, String region, Optional<URI> endpoint, boolean pathStyle,
                         Optional<String> accessKey, Optional<String> secretKey, boolean encrypt,
                         Optional<String> kmsKeyId, long chunkSize, String prefix, boolean skipVerify,
                         Optional<String> storageClass, boolean chunkedUpload, Duration readTimeout) {

    /** S3's smallest multipart part (but the last). */
    public static final long MIN_CHUNK_SIZE = 5L << 20;
    /** S3's largest part and largest single copy. */
    public static final long MAX_CHUNK_SIZE = 5L << 30;
    public static final long DEFAULT_CHUNK_SIZE = 10L << 20;
    /**
     * Long, because S3 may think for minutes about a large CompleteMultipartUpload or copy (it sends
     * keep-alive whitespace meanwhile; compatible stores may not).
     */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(2);

    public S3Settings {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(region, "region");
        if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
            throw new IllegalArgumentException("chunk size must be from 5 MiB to 5 GiB: " + chunkSize);
        }
        if (accessKey.isPresent() != secretKey.isPresent()) {
            throw new IllegalArgumentException("give both the access key and the secret key, or neither");
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("the read timeout must be positive: " + readTimeout);
        }
    }

    /** With the {@link #DEFAULT_READ_TIMEOUT}. */
    public S3Settings(String driverName, String bucket, String region, Optional<URI> endpoint, boolean pathStyle,
                      Optional<String> accessKey, Optional<String> secretKey, boolean encrypt,
                      Optional<String> kmsKeyId, long chunkSize, String prefix, boolean skipVerify,
                      Optional<String> storageClass, boolean chunkedUpload) {
        this(driverName, bucket, region, endpoint, pathStyle, accessKey, secretKey, encrypt, kmsKeyId, chunkSize, prefix,
                skipVerify, storageClass, chunkedUpload, DEFAULT_READ_TIMEOUT);
    }

    /**
     * Aliyun OSS through its S3-compatible API, named with Distribution's {@code oss} options: the
     * endpoint is {@code <region>[-internal].aliyuncs.com} unless given, always virtual-hosted
     * ({@code bucket.endpoint}) as OSS requires, with the OSS region name (e.g. {@code oss-cn-hangzhou})
     * as the signing region.
     */
    public static S3Settings oss(String bucket, String region, Optional<String> endpoint, boolean internal,
                                 boolean secure, String accessKeyId, String accessKeySecret, boolean encrypt,
                                 long chunkSize, String prefix) {
        String host = endpoint.orElse(region + (internal ? "-internal" : "") + ".aliyuncs.com");
        URI uri = URI.create((secure ? "https://" : "http://") + host);
        return new S3Settings("oss", bucket, region, Optional.of(uri), false, Optional.of(accessKeyId),
                Optional.of(accessKeySecret), encrypt, Optional.empty(), chunkSize, prefix, false, Optional.empty(),
                false);
    }

    /** {@code s3://bucket/prefix at endpoint}: for operators, never a credential. */
    public String location() {
        return driverName + "://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix)
                + endpoint.map(e -> " at " + e).orElse(" in " + region);
    }

    @Override
    public String toString() {
        return location() + (pathStyle ? ", path-style" : "") + (accessKey.isPresent() ? ", static credentials"
                : ", default credentials") + (encrypt ? ", encrypted" : "") + ", chunk size " + chunkSize;
    }
}
