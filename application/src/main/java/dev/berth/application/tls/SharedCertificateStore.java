package dev.berth.application.tls;

import java.util.function.Supplier;

/**
 * Port: the certificates every node of a cluster serves, kept where all nodes see them (PostgreSQL),
 * with the private keys sealed. Each node still serves from a {@link CertificateStore} of its own
 * (its files), which follows this one ({@link AdoptSharedCertificates}).
 */
public interface SharedCertificateStore extends CertificateStore {

    /**
     * Runs {@code work} while no other node runs work under this method, in one transaction: what
     * {@code work} reads here is not changed by another node until it returns, so a check and the
     * change it decides on (publish, renew) happen once across the cluster.
     */
    <T> T exclusively(Supplier<T> work);

    /**
     * {@code listener} runs once a change to the shared certificates committed (on any node), and
     * whenever changes may have gone unheard (the node listens again after a lost connection).
     */
    void onChange(Runnable listener);
}
