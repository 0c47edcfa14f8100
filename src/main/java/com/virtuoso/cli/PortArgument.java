package com.virtuoso.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Port numbers typed by the operator, checked before anything is done with them.
 */
final class PortArgument {

    private PortArgument() {
    }

    /** A usage error (exit 2) unless {@code port} is 1-65535. */
    static void check(CommandSpec spec, String label, int port) {
        if (port < 1 || port > 65535) {
            throw new ParameterException(spec.commandLine(),
                    label + " must be a port number from 1 to 65535, not " + port);
        }
    }

}
