package com.virtuoso.config;

/**
 * A config file that the {@code ports} commands cannot use as it is, though it may be valid YAML:
 * one line naming the file, what is wrong and the fix; nothing was read from it or written to it.
 */
public class UnusableConfigFileException extends RuntimeException {

    /** sysexits.h EX_CONFIG, as for any other configuration error. */
    public static final int EXIT_CODE = InvalidConfigurationException.EXIT_CODE;

    public UnusableConfigFileException(String message) {
        super(message);
    }

    public UnusableConfigFileException(String message, Throwable cause) {
        super(message, cause);
    }

}
