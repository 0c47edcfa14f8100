package com.virtuoso.ports;

/**
 * The service manager handed this process sockets it cannot serve: the start fails, as serving
 * none of them would leave their clients waiting in the backlog with nobody to accept them.
 */
public class InheritedSocketException extends RuntimeException {

    private final String action;

    public InheritedSocketException(String message, String action) {
        super(message);
        this.action = action;
    }

    public InheritedSocketException(String message, String action, Throwable cause) {
        super(message, cause);
        this.action = action;
    }

    /** What to change so that the next start works, in words. */
    public String action() {
        return action;
    }

}
