package com.virtuoso.container;

/** Whether Virtuoso runs in a container: detected, or said ({@code web_server.in_container}). */
public enum InContainer {

    /** Detected from the signs container runtimes leave. */
    AUTO,

    /** In a container, whatever the signs say. */
    TRUE,

    /** Not in a container, whatever the signs say (a VM that carries /.dockerenv, say). */
    FALSE

}
