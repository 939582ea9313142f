package dev.berth.adapters.http;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * JAX-RS serves the registry API under /v2 only: the rest of the context (/admin, static resources
 * of the admin UI, /health) belongs to other servlets and the container's default servlet.
 */
@ApplicationPath("v2")
public class RegistryApplication extends Application {
}
