package com.virtuoso.server;

/**
 * The ports of the management server, when {@code management.server.port} gives it one of its own:
 * the same fallback as the trading server, over {@code web_server.management_fallback_ports},
 * except that finding no port leaves the management server unbound instead of failing the start.
 *
 * @param ports the candidates and, once bound, how the management server chose
 */
record ManagementPorts(StartupPorts ports) {
}
