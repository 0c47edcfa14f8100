package com.virtuoso;

import java.io.PrintWriter;
import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import com.virtuoso.cli.PortsCli;
import com.virtuoso.server.StartupExitCodes;

/**
 * Starts the Virtuoso web server, or with {@code ports} as first argument, runs the port manager.
 */
@SpringBootApplication
public class VirtuosoApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("ports")) {
            // the port manager logs nothing: skip configuring a logging backend, and keep stdout for answers
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
            System.setProperty("slf4j.internal.verbosity", "WARN");
            System.exit(PortsCli.run(Arrays.copyOfRange(args, 1, args.length), new PrintWriter(System.out, true),
                    new PrintWriter(System.err, true)));
        }
        try {
            SpringApplication.run(VirtuosoApplication.class, args);
        }
        catch (RuntimeException ex) {
            // Spring Boot has already explained the failure; ours get their own exit codes
            int exitCode = StartupExitCodes.of(ex);
            if (exitCode == 0) {
                throw ex;
            }
            System.exit(exitCode);
        }
    }

}
