package dev.berth.adapters.http.tls;

import dev.berth.application.tls.CertificateIssuer.KeyedChain;
import dev.berth.application.tls.SharedCertificateStore;

import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The shared certificate store of a cluster in memory: one lock for {@link #exclusively}, listeners
 * told after each change (PostgreSQL tells them after commit), and a count of served certificates
 * written, which shows how often a renewal happened.
 */
final class InMemorySharedCertificates implements SharedCertificateStore {

    private final ReentrantLock turn = new ReentrantLock(true);
    private final List<Runnable> listeners = new ArrayList<>();
    private volatile KeyedChain authority;
    private volatile KeyedChain served;
    private volatile KeyedChain staged;
    private volatile KeyPair requestKeys;
    private int servedWrites;

    @Override
    public <T> T exclusively(Supplier<T> work) {
        turn.lock();
        try {
            return work.get();
        } finally {
            turn.unlock();
        }
    }

    @Override
    public synchronized void onChange(Runnable listener) {
        listeners.add(listener);
    }

    synchronized int servedWrites() {
        return servedWrites;
    }

    private void changed() {
        List<Runnable> told;
        synchronized (this) {
            told = List.copyOf(listeners);
        }
        told.forEach(Runnable::run);
    }

    @Override
    public Optional<KeyedChain> authority() {
        return Optional.ofNullable(authority);
    }

    @Override
    public void saveAuthority(KeyedChain authority) {
        this.authority = authority;
        changed();
    }

    @Override
    public Optional<KeyedChain> served() {
        return Optional.ofNullable(served);
    }

    @Override
    public void serve(KeyedChain certificate) {
        synchronized (this) {
            served = certificate;
            servedWrites++;
        }
        changed();
    }

    @Override
    public Optional<KeyedChain> staged() {
        return Optional.ofNullable(staged);
    }

    @Override
    public void stage(KeyedChain certificate) {
        staged = certificate;
        changed();
    }

    @Override
    public void clearStaged() {
        staged = null;
        changed();
    }

    @Override
    public Optional<KeyPair> requestKeys() {
        return Optional.ofNullable(requestKeys);
    }

    @Override
    public void saveRequestKeys(KeyPair keys) {
        requestKeys = keys;
        changed();
    }

    @Override
    public void clearRequestKeys() {
        requestKeys = null;
        changed();
    }
}
