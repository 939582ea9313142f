package dev.berth.adapters.storage.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.utils.AttributeMap;

import java.time.Duration;

/** Builds the SDK clients for {@link S3Settings}: the JDK's URL connection, no Netty, no Apache client. */
final class S3Clients {

    private S3Clients() {
    }

    static S3Client client(S3Settings settings) {
        var builder = S3Client.builder()
                .httpClient(http(settings))
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .forcePathStyle(settings.pathStyle())
                // the SDK's legacy mode, stated rather than left to AWS_RETRY_MODE or a profile: 4 attempts,
                // throttling (503 SlowDown) backs off 0.25-0.5, 0.5-1, 1-2 s and does not drain the retry
                // budget, other 5xx and I/O failures back off up to 0.1, 0.2, 0.4 s (deploy/docs/storage.md)
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.LEGACY))
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(settings.chunkedUpload()).build())
                // checksums only where S3 requires them: compatible stores (S3Proxy, OSS, older Ceph)
                // reject the newer trailing checksums, and Berth verifies every blob's digest itself
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    static S3Presigner presigner(S3Settings settings) {
        var builder = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials(settings))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle()).build());
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static SdkHttpClient http(S3Settings settings) {
        AttributeMap.Builder options = AttributeMap.builder()
                .put(SdkHttpConfigurationOption.CONNECTION_TIMEOUT, Duration.ofSeconds(10))
                .put(SdkHttpConfigurationOption.READ_TIMEOUT, settings.readTimeout());
        if (settings.skipVerify()) {
            options.put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true);
        }
        return UrlConnectionHttpClient.builder().buildWithDefaults(options.build());
    }

    private static AwsCredentialsProvider credentials(S3Settings settings) {
        if (settings.accessKey().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKey().get(), settings.secretKey().orElseThrow()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    /**
     * What went wrong, readable for an operator: S3's status and error code, never a credential. An
     * answer to HEAD has no body, so only its status.
     */
    static String describe(SdkException e) {
        if (e instanceof S3Exception s3) {
            AwsErrorDetails details = s3.awsErrorDetails();
            String code = details == null ? null : details.errorCode();
            String message = details == null ? null : details.errorMessage();
            return "S3 answered " + s3.statusCode() + (code == null ? "" : " " + code)
                    + (message == null ? "" : ": " + message);
        }
        return e.getMessage();
    }
}
