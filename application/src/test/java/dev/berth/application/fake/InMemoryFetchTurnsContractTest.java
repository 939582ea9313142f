package dev.berth.application.fake;

import dev.berth.application.contract.BlobFetchTurnsContract;
import dev.berth.application.port.BlobFetchTurns;
import dev.berth.domain.Digest;

/** The fake's nodes are callers of one instance: the shared state is the instance itself. */
class InMemoryFetchTurnsContractTest extends BlobFetchTurnsContract {

    private final InMemoryFetchTurns cluster = new InMemoryFetchTurns();

    @Override
    protected BlobFetchTurns node() {
        return cluster;
    }

    @Override
    protected void dieHolding(Digest digest) {
        cluster.dieHolding(digest);
    }
}
