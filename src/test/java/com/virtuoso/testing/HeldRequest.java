package com.virtuoso.testing;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /held}: a request that the test holds open until it counts {@link #release} down,
 * so that a graceful shutdown has one to drain. Add it to an {@link InProcessServer}'s sources.
 */
@RestController
public class HeldRequest {

    /** Counted down when the request has arrived. */
    public final CountDownLatch entered = new CountDownLatch(1);

    /** Counted down by the test to let the request finish. */
    public final CountDownLatch release = new CountDownLatch(1);

    @GetMapping("/held")
    String held() throws InterruptedException {
        entered.countDown();
        release.await(2, TimeUnit.MINUTES);
        return "served";
    }

}
