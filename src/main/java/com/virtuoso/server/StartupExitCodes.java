package com.virtuoso.server;

import org.springframework.boot.context.config.ConfigDataException;
import org.springframework.boot.context.properties.bind.BindException;

import com.virtuoso.config.InvalidConfigurationException;
import com.virtuoso.config.PropertiesText;
import com.virtuoso.ports.InheritedSocketException;
import com.virtuoso.ports.PortsExhaustedException;

/**
 * The process exit code for a failed start, after sysexits.h: 75 (EX_TEMPFAIL) when no port was
 * free, 78 (EX_CONFIG) for an invalid or unreadable configuration, or sockets handed over by the
 * service manager that cannot be served.
 */
public final class StartupExitCodes {

    /** sysexits.h EX_TEMPFAIL: try again later, when a port is free. */
    public static final int PORTS_EXHAUSTED = 75;

    private static final String YAML_EXCEPTION = "org.yaml.snakeyaml.error.YAMLException";

    private StartupExitCodes() {
    }

    /** The exit code for {@code failure}, or {@code 0} when it is none of ours to decide. */
    public static int of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PortsExhaustedException) {
                return PORTS_EXHAUSTED;
            }
            // an unusable inherited socket is a unit configuration error
            if (cause instanceof InvalidConfigurationException || cause instanceof InheritedSocketException
                    || cause instanceof BindException
                    || cause instanceof ConfigDataException || isYamlException(cause.getClass())
                    || PropertiesText.isLoaderFailure(cause)) {
                return InvalidConfigurationException.EXIT_CODE;
            }
        }
        return 0;
    }

    private static boolean isYamlException(Class<?> type) {
        for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
            if (candidate.getName().equals(YAML_EXCEPTION)) {
                return true;
            }
        }
        return false;
    }

}
