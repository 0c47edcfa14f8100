package com.virtuoso.ports;

/**
 * How a start that met a port conflict ended.
 */
public enum ConflictResult {

    /** The server started on a port after the primary. */
    FELL_BACK,

    /** No candidate port could be bound; the server did not start. */
    EXHAUSTED,

    /** The primary port could not be bound and fallback is off; the server did not start. */
    CONFLICT_STRICT

}
