package dev.berth.adapters.http;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;

/** Every /v2 response, errors included, carries the API version header (distribution-spec). JAX-RS serves only /v2. */
@Provider
public class ApiVersionHeaderFilter implements ContainerResponseFilter {

    static final String HEADER = "Docker-Distribution-API-Version";
    static final String VALUE = "registry/2.0";

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        response.getHeaders().putSingle(HEADER, VALUE);
    }
}
