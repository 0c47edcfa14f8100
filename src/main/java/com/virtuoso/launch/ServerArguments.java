package com.virtuoso.launch;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import com.virtuoso.config.ConfigKeys;

/**
 * The server's arguments that are not for Spring Boot, answered before Spring starts:
 * {@code --help} ({@code -h}) and {@code --version} ({@code -V}) anywhere among them, and
 * look-alikes of Virtuoso's keys. Spring Boot takes {@code --port=8001} as a property nobody reads
 * and {@code --port 8001} as that and a stray word, and would start on the configured port as if
 * nothing had been said; these stop with a usage error that names the key meant.
 */
public final class ServerArguments {

    /** A usage error, as for the {@code ports} commands. */
    public static final int USAGE = 2;

    /** What switches accept, in {@link ConfigKeys#topLevelSettings()}. */
    private static final String SWITCH = "true or false";

    /** Spellings from other servers (uvicorn, Flask) that are no web_server key: the setting each means. */
    private static final Map<String, String> OTHER_SPELLINGS = Map.of("-p", "port", "--no-access-log",
            "access_log=false", "--no-reload", "reload=false");

    private static final String HELP = """
            Usage: java -jar virtuoso.jar [--KEY=VALUE ...]     start the server
                   java -jar virtuoso.jar ports COMMAND ...      the port manager; starts no server
                   java -jar virtuoso.jar --help | --version
            (bin/virtuoso takes the same arguments.)

            Virtuoso is the web server of the Virtuoso trading system: when its port is taken it moves
            to a fallback port instead of failing, names who holds the port, and keeps a history.

            Configuration: the web_server block of config/application.yaml in the directory you start
            in, below environment variables and the command line; then, when it exists, the web_server
            block of the trading system's config/config.yaml; then the defaults.

            Most used options (any key of the web_server block works as --web_server.KEY=VALUE):
              --web_server.port=PORT            primary port (default 8000; 0: any free port)
              --server.port=PORT                Spring's key for the same; wins over --web_server.port
              --web_server.host=ADDRESS         address to bind (default 0.0.0.0)
              --web_server.fallback_ports=P1,P2 ports tried in order when the port is taken
              --web_server.auto_fallback=false  strict: fail the start when the port is taken
              -h, --help                        this help; --version (-V): the version

            Environment variables: SERVER_PORT, WEBSERVER_PORT, WEBSERVER_HOST, WEBSERVER_FALLBACKPORTS
            (any key: upper case, dots as _, no dashes); the deprecated WEB_SERVER_PORT and
            WEB_SERVER_HOST still work, with a warning. The port's order, highest first: command line,
            SERVER_PORT, WEBSERVER_PORT, WEB_SERVER_PORT, config/application.yaml, config/config.yaml.

            Port manager (java -jar virtuoso.jar ports --help; ports COMMAND --help):
              ports show-config                 effective settings and where each came from
              ports check PORT                  free or in use, and who holds it
              ports find-available [START]      the first free port(s)
              ports kill PORT                   stop what listens on PORT (asks; --yes in scripts)
              ports update-config PORT          set the port where the next start reads it
              ports auto-fix                    make the next start succeed on the configured port
              ports list                        running Virtuoso servers
            The port_manager.py flags work too: ports --check 8000, ports --kill 8000 --yes, ...

            Exit codes: 0 stopped normally (and --help, --version), 1 other start failure, 2 usage
            error, 75 no port could be bound, 78 invalid configuration, 143 stopped by SIGTERM.

            More in README.md: "Configuration", "The port manager: ports", "Exit codes (server)".
            """;

    private ServerArguments() {
    }

    /**
     * Answers {@code args} when they ask for help or the version, or hold a look-alike; empty when
     * they are for Spring Boot, which then starts the server.
     * @return the exit code, when answered
     */
    public static OptionalInt answer(String[] args, PrintWriter out, PrintWriter err) {
        List<String> arguments = List.of(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            out.print(HELP);
            out.flush();
            return OptionalInt.of(0);
        }
        if (arguments.contains("--version") || arguments.contains("-V")) {
            out.println(BuildVersion.current().describe());
            out.flush();
            return OptionalInt.of(0);
        }
        List<String> mistakes = lookAlikes(arguments);
        if (mistakes.isEmpty()) {
            return OptionalInt.empty();
        }
        mistakes.forEach(err::println);
        err.println("Nothing was started. The options: java -jar virtuoso.jar --help");
        err.flush();
        return OptionalInt.of(USAGE);
    }

    /** One line for each argument that looks like a web_server key Spring would ignore. */
    static List<String> lookAlikes(List<String> arguments) {
        List<String> mistakes = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            int equals = argument.indexOf('=');
            String option = (equals >= 0) ? argument.substring(0, equals) : argument;
            String next = (i + 1 < arguments.size() && !arguments.get(i + 1).startsWith("-")) ? arguments.get(i + 1)
                    : null;
            String value = (equals >= 0) ? argument.substring(equals + 1) : next;
            meant(option, value).ifPresent((meant) -> mistakes.add(option + " is not a Virtuoso option, and Spring "
                    + "Boot would silently ignore it: did you mean " + meant + "?"));
        }
        return mistakes;
    }

    /** The argument meant by {@code option} with {@code value} (or none), when it is a look-alike. */
    private static Optional<String> meant(String option, String value) {
        String other = OTHER_SPELLINGS.get(option);
        if (other != null) {
            return Optional.of(other.contains("=") ? "--web_server." + other : withValue(other, value));
        }
        if (!option.startsWith("--")) {
            return Optional.empty();
        }
        String key = option.substring(2).toLowerCase(Locale.ROOT).replace('-', '_');
        return ConfigKeys.topLevelSettings().containsKey(key) ? Optional.of(withValue(key, value)) : Optional.empty();
    }

    private static String withValue(String key, String value) {
        String accepted = ConfigKeys.topLevelSettings().get(key);
        String shown = (value != null) ? value : SWITCH.equals(accepted) ? "true" : "VALUE";
        return "--web_server." + key + "=" + shown
                + ((value == null && !SWITCH.equals(accepted)) ? " (VALUE: " + accepted + ")" : "");
    }

}
