package dev.berth.application.contract;

import dev.berth.application.port.BlobFetchTurns;
import dev.berth.domain.Digest;
import dev.berth.domain.DigestAlgorithm;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link BlobFetchTurns} promises, with several nodes: one holder per digest, the others
 * wait for it (bounded), and the turn of a node that dies goes to the next in line.
 */
public abstract class BlobFetchTurnsContract {

    /** Far longer than any step of these tests takes: reaching it is a failure, not a result. */
    private static final Duration PATIENT = Duration.ofMinutes(2);

    /** A node: its own instance of the port, sharing what coordinates the nodes with every other node of the test. */
    protected abstract BlobFetchTurns node();

    /** The node holding {@code digest}'s turn dies (its process is killed): the turn is never closed. */
    protected abstract void dieHolding(Digest digest) throws Exception;

    /** A digest no other test of the run uses. */
    protected static Digest someDigest() {
        return Digest.of(DigestAlgorithm.SHA256, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Started, and still waiting a moment later: it cannot have got the turn while another node held it. */
    private static CompletableFuture<Optional<BlobFetchTurns.Turn>> waiting(BlobFetchTurns node, Digest digest)
            throws InterruptedException {
        CompletableFuture<Optional<BlobFetchTurns.Turn>> take = new CompletableFuture<>();
        // a thread of its own: the common pool may have a single thread on a small machine
        Thread.ofPlatform().daemon().start(() -> {
            try {
                take.complete(node.take(digest, PATIENT));
            } catch (RuntimeException e) {
                take.completeExceptionally(e);
            }
        });
        Thread.sleep(300);
        assertThat(take).as("waiting while another node holds the turn").isNotDone();
        return take;
    }

    @Test
    void aFreeTurnIsTakenAtOnceAndFreeAgainOnceClosed() {
        Digest digest = someDigest();
        BlobFetchTurns a = node();
        a.take(digest, PATIENT).orElseThrow().close();
        try (BlobFetchTurns.Turn again = node().take(digest, PATIENT).orElseThrow()) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void anotherNodeWaitsUntilTheHolderClosesItsTurnThenGetsIt() throws Exception {
        Digest digest = someDigest();
        BlobFetchTurns a = node();
        BlobFetchTurns b = node();
        CompletableFuture<Optional<BlobFetchTurns.Turn>> second;
        try (BlobFetchTurns.Turn held = a.take(digest, PATIENT).orElseThrow()) {
            assertThat(held).isNotNull();
            second = waiting(b, digest);
        }
        Optional<BlobFetchTurns.Turn> taken = second.get(1, TimeUnit.MINUTES);
        assertThat(taken).as("the turn, once the first node closed it").isPresent();
        taken.get().close();
    }

    @Test
    void aTurnStillHeldAfterThePatienceIsNotGiven() {
        Digest digest = someDigest();
        try (BlobFetchTurns.Turn held = node().take(digest, PATIENT).orElseThrow()) {
            assertThat(held).isNotNull();
            assertThat(node().take(digest, Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void theTurnOfANodeThatDiedGoesToTheNextInLine() throws Exception {
        Digest digest = someDigest();
        node().take(digest, PATIENT).orElseThrow();
        CompletableFuture<Optional<BlobFetchTurns.Turn>> next = waiting(node(), digest);

        dieHolding(digest);

        Optional<BlobFetchTurns.Turn> taken = next.get(1, TimeUnit.MINUTES);
        assertThat(taken).isPresent();
        taken.get().close();
    }

    @Test
    void turnsOfDifferentDigestsDoNotWaitForEachOther() {
        BlobFetchTurns a = node();
        BlobFetchTurns b = node();
        try (BlobFetchTurns.Turn one = a.take(someDigest(), PATIENT).orElseThrow();
             BlobFetchTurns.Turn other = b.take(someDigest(), PATIENT).orElseThrow()) {
            assertThat(one).isNotSameAs(other);
        }
    }
}
