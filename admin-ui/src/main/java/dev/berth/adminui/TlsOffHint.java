package dev.berth.adminui;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;

/** With TLS off, the certificates page says so, gives the exact settings that turn managed TLS on, and links to the docs. */
final class TlsOffHint extends Div {

    TlsOffHint() {
        setId("tls-off");
        // served by Berth itself (deploy/docs): the link works wherever the admin UI does
        Anchor docs = new Anchor("/docs/tls.md", "TLS in Berth's documentation (tls.md)");
        docs.setId("tls-docs");
        docs.setTarget("_blank");
        add(new Paragraph("TLS is not enabled: Berth serves plain HTTP, and certificates cannot be managed "
                        + "here. Clients outside this machine then need Berth behind a TLS proxy, or an "
                        + "\"insecure registry\" setting."),
                new Paragraph("To let Berth serve HTTPS with a certificate it manages, add this to the configuration "
                        + "file and restart:"),
                Widgets.code("http:\n  tls:\n    managed: true\n    hostnames: [registry.example.com]", "tls-managed-yaml"),
                new Paragraph("or set these environment variables:"),
                Widgets.code("REGISTRY_HTTP_TLS_MANAGED=true\nREGISTRY_HTTP_TLS_HOSTNAMES=registry.example.com",
                        "tls-managed-env"),
                new Paragraph("To serve your own certificate instead, set http.tls.certificate and http.tls.key "
                        + "(PEM files)."),
                docs);
    }
}
