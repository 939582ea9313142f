package dev.berth.adapters.http;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * JAX-RS at the context root: /v2/... and /health. The admin UI's servlet mappings (/admin/*,
 * /VAADIN/*) are longer and win over this one.
 */
@ApplicationPath("/")
public class RegistryApplication extends Application {
}
