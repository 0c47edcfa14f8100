package com.virtuoso.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A test-only endpoint whose requests stay in flight until the test lets them finish: proof that
 * closing a listener lets the requests it accepted complete. Idle unless a test calls it.
 */
@RestController
class SlowController {

    static final String PATH = "/test/slow";

    private final CountDownLatch entered = new CountDownLatch(1);

    private final CountDownLatch finish = new CountDownLatch(1);

    @GetMapping(PATH)
    String slow() {
        entered.countDown();
        try {
            return finish.await(30, TimeUnit.SECONDS) ? "finished" : "timed out";
        }
        catch (InterruptedException ex) {
            // the listener was closed under this request: what a test of the drain bound expects
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Waits until a request is in flight. */
    boolean awaitEntered(long seconds) throws InterruptedException {
        return entered.await(seconds, TimeUnit.SECONDS);
    }

    /** Lets the requests in flight finish. */
    void finish() {
        finish.countDown();
    }

}
