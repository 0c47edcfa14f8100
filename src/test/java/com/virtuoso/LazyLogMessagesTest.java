package com.virtuoso;

import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A message logged through Commons Logging at a level that is off is never formatted: Spring
 * Security logs {@code LogMessage}s at TRACE on every request and counts on that (see
 * {@code commons-logging.properties}).
 */
class LazyLogMessagesTest {

    @Test
    void aMessageAtALevelThatIsOffIsNeverTurnedIntoText() {
        Log log = LogFactory.getLog("virtuoso.test.lazy");
        assertThat(log.isTraceEnabled()).isFalse();
        AtomicInteger formatted = new AtomicInteger();
        Object message = new Object() {

            @Override
            public String toString() {
                formatted.incrementAndGet();
                return "expensive";
            }

        };
        log.trace(message);
        log.debug(message);
        assertThat(formatted).hasValue(0);
    }

}
