package com.virtuoso.ports;

/**
 * A {@link BindFailureClassifier} that cannot tell why any bind failed: its own check of the
 * address throws, as a broken network stack or a check nobody foresaw might.
 */
public final class UnclassifiableBindFailures {

    private UnclassifiableBindFailures() {
    }

    /** A classifier whose every {@code classify} throws {@code failure}. */
    public static BindFailureClassifier classifier(RuntimeException failure) {
        return new BindFailureClassifier(PortPrivileges.detect(), (host) -> {
            throw failure;
        });
    }

}
