package dev.berth.application.tls;

/** Whether this node serves its cluster's certificate yet (supplied by the composition root). */
public interface ServedCertificateStatus {

    /**
     * False until the node, serving HTTPS itself, has taken the cluster's certificates at start: a
     * balancer that routed to it earlier could meet a certificate from another CA. True without HTTPS.
     */
    boolean current();
}
