package com.virtuoso.ports;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A command line fit for logs and endpoints: the values of arguments whose names look like
 * secrets ({@code --password=x}, {@code -Dapp.token=x}, {@code --api-key x}) are replaced by
 * {@value #MASK}.
 */
public final class MaskedCommandLine {

    static final String MASK = "****";

    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(password|passwd|pwd|token|secret|key|credential|auth).*");

    private MaskedCommandLine() {
    }

    /** The arguments joined by spaces, secrets masked. */
    public static String of(List<String> arguments) {
        List<String> masked = new ArrayList<>(arguments.size());
        boolean maskNext = false;
        for (String argument : arguments) {
            if (maskNext) {
                masked.add(MASK);
                maskNext = false;
                continue;
            }
            int equals = argument.indexOf('=');
            if (equals > 0 && SECRET_NAME.matcher(argument.substring(0, equals)).matches()) {
                masked.add(argument.substring(0, equals + 1) + MASK);
            }
            else {
                masked.add(argument);
                // "--password hunter2": the secret is the next argument
                maskNext = equals < 0 && argument.startsWith("-") && SECRET_NAME.matcher(argument).matches();
            }
        }
        return String.join(" ", masked);
    }

}
