package dev.berth.adapters.http;

import dev.berth.domain.error.BlobUnknownException;
import dev.berth.domain.error.BlobUploadInvalidException;
import dev.berth.domain.error.BlobUploadUnknownException;
import dev.berth.domain.error.DeniedException;
import dev.berth.domain.error.DigestInvalidException;
import dev.berth.domain.error.ManifestBlobUnknownException;
import dev.berth.domain.error.ManifestInvalidException;
import dev.berth.domain.error.ManifestUnknownException;
import dev.berth.domain.error.ManifestUnverifiedException;
import dev.berth.domain.error.NameInvalidException;
import dev.berth.domain.error.NameUnknownException;
import dev.berth.domain.error.PaginationNumberInvalidException;
import dev.berth.domain.error.RangeInvalidException;
import dev.berth.domain.error.RegistryException;
import dev.berth.domain.error.SizeInvalidException;
import dev.berth.domain.error.TagInvalidException;
import dev.berth.domain.error.TooManyRequestsException;
import dev.berth.domain.error.UnauthorizedException;
import dev.berth.domain.error.UnavailableException;
import dev.berth.domain.error.UnsupportedException;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one place where registry errors become HTTP: status by error code (an exhaustive switch over
 * the sealed domain hierarchy) and the distribution-spec body {@code {"errors":[{code,message,detail}]}}.
 */
final class RegistryErrors {

    private RegistryErrors() {
    }

    static int status(RegistryException error) {
        return switch (error) {
            case BlobUnknownException e -> 404;
            case BlobUploadUnknownException e -> 404;
            case NameUnknownException e -> 404;
            case ManifestUnknownException e -> 404;
            case BlobUploadInvalidException e -> 400;
            case DigestInvalidException e -> 400;
            case SizeInvalidException e -> 400;
            case NameInvalidException e -> 400;
            case TagInvalidException e -> 400;
            case ManifestInvalidException e -> 400;
            case ManifestBlobUnknownException e -> 400;
            case ManifestUnverifiedException e -> 400;
            case PaginationNumberInvalidException e -> 400;
            case RangeInvalidException e -> 416;
            case UnauthorizedException e -> 401;
            case DeniedException e -> 403;
            case UnsupportedException e -> 405;
            case TooManyRequestsException e -> 429;
            case UnavailableException e -> 503;
        };
    }

    static void send(HttpServletResponse response, int status, String code, String message, String detail,
                     boolean head) throws IOException {
        response.setStatus(status);
        JsonObjectBuilder error = JsonBuilders.object().add("code", code).add("message", message);
        if (detail != null) {
            error.add("detail", detail);
        }
        byte[] body = JsonBuilders.object().add("errors", JsonBuilders.array().add(error)).build()
                .toString().getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json");
        response.setContentLength(body.length);
        if (!head) {
            response.getOutputStream().write(body);
        }
    }

    static void send(HttpServletResponse response, RegistryException error, boolean head) throws IOException {
        send(response, status(error), error.code(), error.getMessage(), error.detail(), head);
    }
}
