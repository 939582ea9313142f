package dev.berth.adapters.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/** Every /v2 response, errors included, carries the API version header (distribution-spec). */
@Provider
public class ApiVersionHeaderFilter implements ContainerResponseFilter {

    static final String HEADER = "Docker-Distribution-API-Version";
    static final String VALUE = "registry/2.0";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (path.equals("v2") || path.startsWith("v2/") || path.startsWith("/v2")) {
            response.getHeaders().putSingle(HEADER, VALUE);
        }
    }
}
