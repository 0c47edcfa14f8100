package com.virtuoso.state;

/**
 * A command needs the state directory, and it was refused; the message names the directory and
 * the fix.
 */
public class StateDirectoryRefusedException extends RuntimeException {

    public StateDirectoryRefusedException(String refusal) {
        super(refusal);
    }

}
