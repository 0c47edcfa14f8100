package com.virtuoso;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.OptionalInt;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.ComponentScan.Filter;
import org.springframework.context.annotation.FilterType;

import com.virtuoso.cli.PortsCli;
import com.virtuoso.launch.ServerArguments;
import com.virtuoso.server.StartupExitCodes;

/**
 * Starts the Virtuoso web server, or with {@code ports} as first argument, runs the port manager;
 * {@code --help}, {@code --version} and look-alikes of Virtuoso's keys are answered without
 * starting either (see {@link ServerArguments}).
 * <p>
 * {@code @SpringBootApplication} spelled out, to keep {@code @ManagementContextConfiguration}
 * classes out of the component scan: Spring Boot adds them to the management server's own context
 * (META-INF/spring), and found by the scan they would customize the main server as well.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(excludeFilters = { @Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
        @Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
        @Filter(ManagementContextConfiguration.class) })
public class VirtuosoApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("ports")) {
            PortsCli.logNowhere();
            System.exit(PortsCli.run(Arrays.copyOfRange(args, 1, args.length), new PrintWriter(System.out, true),
                    new PrintWriter(System.err, true)));
        }
        OptionalInt answered = ServerArguments.answer(args, new PrintWriter(System.out, true),
                new PrintWriter(System.err, true));
        if (answered.isPresent()) {
            System.exit(answered.getAsInt());
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
