package com.virtuoso;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import com.virtuoso.server.StartupExitCodes;

/**
 * Starts the Virtuoso web server.
 */
@SpringBootApplication
public class VirtuosoApplication {

    public static void main(String[] args) {
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
