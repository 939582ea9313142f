package dev.berth.domain.error;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryExceptionTest {

    static Stream<Arguments> everyError() {
        return Stream.of(
                Arguments.of((Function<String, RegistryException>) BlobUnknownException::new, "BLOB_UNKNOWN"),
                Arguments.of((Function<String, RegistryException>) BlobUploadUnknownException::new, "BLOB_UPLOAD_UNKNOWN"),
                Arguments.of((Function<String, RegistryException>) BlobUploadInvalidException::new, "BLOB_UPLOAD_INVALID"),
                Arguments.of((Function<String, RegistryException>) DigestInvalidException::new, "DIGEST_INVALID"),
                Arguments.of((Function<String, RegistryException>) SizeInvalidException::new, "SIZE_INVALID"),
                Arguments.of((Function<String, RegistryException>) NameInvalidException::new, "NAME_INVALID"),
                Arguments.of((Function<String, RegistryException>) NameUnknownException::new, "NAME_UNKNOWN"),
                Arguments.of((Function<String, RegistryException>) TagInvalidException::new, "TAG_INVALID"),
                Arguments.of((Function<String, RegistryException>) ManifestUnknownException::new, "MANIFEST_UNKNOWN"),
                Arguments.of((Function<String, RegistryException>) ManifestInvalidException::new, "MANIFEST_INVALID"),
                Arguments.of((Function<String, RegistryException>) ManifestBlobUnknownException::new,
                        "MANIFEST_BLOB_UNKNOWN"),
                Arguments.of((Function<String, RegistryException>) ManifestUnverifiedException::new,
                        "MANIFEST_UNVERIFIED"),
                Arguments.of((Function<String, RegistryException>) UnauthorizedException::new, "UNAUTHORIZED"),
                Arguments.of((Function<String, RegistryException>) DeniedException::new, "DENIED"),
                Arguments.of((Function<String, RegistryException>) UnsupportedException::new, "UNSUPPORTED"),
                Arguments.of((Function<String, RegistryException>) TooManyRequestsException::new, "TOOMANYREQUESTS"),
                Arguments.of((Function<String, RegistryException>) UnavailableException::new, "UNAVAILABLE"),
                Arguments.of((Function<String, RegistryException>) RangeInvalidException::new, "RANGE_INVALID"),
                Arguments.of((Function<String, RegistryException>) PaginationNumberInvalidException::new,
                        "PAGINATION_NUMBER_INVALID"));
    }

    @ParameterizedTest
    @MethodSource("everyError")
    void carriesItsCodeAFixedMessageAndTheDetail(Function<String, RegistryException> create, String code) {
        RegistryException error = create.apply("the detail");

        assertThat(error.code()).isEqualTo(code);
        assertThat(error.detail()).isEqualTo("the detail");
        assertThat(error.getMessage()).isNotBlank().doesNotContain("the detail");
        assertThat(error.getCause()).isNull();
    }

    @ParameterizedTest
    @MethodSource("everyError")
    void detailIsOptional(Function<String, RegistryException> create, String code) {
        RegistryException error = create.apply(null);

        assertThat(error.code()).isEqualTo(code);
        assertThat(error.detail()).isNull();
    }

    @Test
    void everyPermittedSubclassHasATestedCode() {
        List<String> permitted = Arrays.stream(RegistryException.class.getPermittedSubclasses())
                .map(Class::getSimpleName).toList();

        assertThat(permitted).hasSize((int) everyError().count());
    }

    @Test
    void noArgumentConstructorsLeaveTheDetailOut() {
        assertThat(new BlobUnknownException().detail()).isNull();
        assertThat(new RangeInvalidException().code()).isEqualTo("RANGE_INVALID");
        assertThat(new ManifestInvalidException().detail()).isNull();
        assertThat(new UnavailableException().detail()).isNull();
    }

    @Test
    void internalCausesAreKeptForLogsButOutOfTheDetail() {
        IOException disk = new IOException("/var/lib/berth/secret-path: no space left");

        UnavailableException error = new UnavailableException("storage is unavailable", disk);

        assertThat(error.getCause()).isSameAs(disk);
        assertThat(error.detail()).isEqualTo("storage is unavailable");
        assertThat(error.getMessage()).doesNotContain("secret-path");
        assertThat(new ManifestInvalidException("bad", disk).getCause()).isSameAs(disk);
    }

    @Test
    void aSwitchOverTheHierarchyIsExhaustiveWithoutDefault() {
        RegistryException error = new TooManyRequestsException("slow down");

        // Compiles only because the hierarchy is sealed: adding a subclass breaks this switch.
        String kind = switch (error) {
            case BlobUnknownException e -> "not found";
            case BlobUploadUnknownException e -> "not found";
            case NameUnknownException e -> "not found";
            case ManifestUnknownException e -> "not found";
            case BlobUploadInvalidException e -> "client error";
            case DigestInvalidException e -> "client error";
            case SizeInvalidException e -> "client error";
            case NameInvalidException e -> "client error";
            case TagInvalidException e -> "client error";
            case ManifestInvalidException e -> "client error";
            case ManifestBlobUnknownException e -> "client error";
            case ManifestUnverifiedException e -> "client error";
            case RangeInvalidException e -> "client error";
            case PaginationNumberInvalidException e -> "client error";
            case UnauthorizedException e -> "access";
            case DeniedException e -> "access";
            case UnsupportedException e -> "unsupported";
            case TooManyRequestsException e -> "throttled";
            case UnavailableException e -> "server";
        };

        assertThat(kind).isEqualTo("throttled");
    }
}
