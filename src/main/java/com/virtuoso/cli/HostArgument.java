package com.virtuoso.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * A {@code --host} typed by the operator, resolved before anything is done with it, so that a
 * typo is a usage error (exit 2) with one line, not an unexpected failure.
 */
final class HostArgument {

    private HostArgument() {
    }

    /** The address of {@code host}; a usage error when it is not an IP address or a name that resolves. */
    static InetAddress resolve(CommandSpec spec, String host) {
        try {
            return InetAddress.getByName(host);
        }
        catch (UnknownHostException ex) {
            throw new ParameterException(spec.commandLine(), "--host " + host + " is not an IP address or a host "
                    + "name that resolves here; pass an address of this machine, e.g. 127.0.0.1 or ::1");
        }
    }

}
