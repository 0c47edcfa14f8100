package com.virtuoso.ports;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Another process's command line, fit for logs, endpoints, the history file, webhook bodies and
 * the terminal: credentials are replaced by {@value #MASK}, control characters are escaped and the
 * text is capped at {@value #LIMIT} characters.
 * <p>
 * Credentials sit in command lines in many shapes: values of options and {@code NAME=value} pairs
 * whose name suggests a secret ({@code --requirepass x}, {@code -storepass x}, {@code DB_PASS=x},
 * {@code -Dspring.datasource.password=x}), short options of well-known tools ({@code mysql -px},
 * {@code redis-cli -a x}, {@code curl -u user:x}), the user-info and parameters of URLs, HTTP
 * headers ({@code Authorization: Bearer x}) and tokens recognisable by their shape (AWS keys,
 * GitHub and Slack tokens, JWTs, webhook URLs). When in doubt a value is masked: what the operator
 * needs is the program and its plain options, such as the port it was told to use.
 * <p>
 * Masking is idempotent: masking the text of a masked command line gives the same text, so a
 * command line can be masked again wherever it is read back, such as from a history written by an
 * older version that masked less.
 */
public final class MaskedCommandLine {

    static final String MASK = "****";

    /** Stands for the middle of a command line longer than {@value #LIMIT} characters. */
    static final String CUT = "…[cut]";

    /** The most characters kept of one command line, the {@link #CUT} marker included. */
    static final int LIMIT = 512;

    /** What marks a name as a secret's: anywhere inside a longer name, in any case. */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i)pass|pwd|secret|token|key|auth|credential|cookie|session|private|signature|(?<![a-z])pw(?![a-z])");

    /** {@code NAME=value}: the whole value is masked when the name is a secret's. */
    private static final Pattern NAME_VALUE = Pattern.compile("([^=]+)=(.+)");

    /**
     * One {@code name=value} pair of a list such as {@code mount -o username=u,password=x},
     * {@code a=1&client_secret=x} or {@code Server=db;Password=x}: a pair ends at {@code ,} {@code ;}
     * {@code &} or whitespace.
     */
    private static final Pattern PAIR = Pattern.compile("[^,;&\\s]+");

    /** {@code "name":"value"} (or a bare value) in JSON, as in {@code curl -d {"password":"x"}}. */
    private static final Pattern JSON_PAIR = Pattern
        .compile("\"([^\"\\s]*)\"(\\s*:\\s*)(?:\"[^\"]*\"|[^,}\\]\\s\"]+)");

    /**
     * An option that follows an option with a secret's name and is rather an option of its own
     * ({@code mongod --auth --port 1}): lowercase letters only, as option names are and as a
     * password rarely is ({@code --requirepass -Zx9} masks {@code -Zx9}). A lone {@code -} or
     * {@code --} counts, as a cut may leave one at the end of the head.
     */
    private static final Pattern PLAIN_OPTION = Pattern.compile("--?(?:[a-z][a-z_.-]*)?");

    /**
     * {@code Name: value} as in HTTP headers ({@code Authorization: Bearer x}, {@code Cookie: a=b}),
     * also as the value of a setting ({@code http.extraHeader=Authorization: Basic x}).
     */
    private static final Pattern HEADER = Pattern.compile("((?:[^=:\\s]*=)?)([\\w.-]+):\\s*(.*)");

    /** A header value that is rather a port or a path: {@code auth-service:8080}, {@code key:/etc/x}. */
    private static final Pattern NOT_A_HEADER_VALUE = Pattern.compile("\\d{1,5}(?:/.*)?|/.*");

    /** An option such as {@code --requirepass} or {@code -storepass}: the next argument is its value. */
    private static final Pattern OPTION = Pattern.compile("--?[^-=\\s][^=\\s]*");

    /**
     * A bare setting name such as {@code aws_secret_access_key} or {@code requirepass} in
     * {@code redis-cli CONFIG SET requirepass x}: the next argument is its value.
     */
    private static final Pattern SETTING = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

    /** The words after which, in a header, the credential still follows: {@code Bearer x}. */
    private static final Pattern AUTH_SCHEME = Pattern.compile("(?i)bearer|basic|digest|token|negotiate|ntlm|apikey");

    /** Where a URL starts, whose parameters are masked. */
    private static final Pattern URL_START = Pattern.compile("(?i)[a-z][a-z0-9+.-]*://|jdbc:");

    /** {@code ?user=u&password=x} in URLs, {@code ;password=x} in JDBC URLs: every parameter's value. */
    private static final Pattern URL_PARAMETER = Pattern.compile("([?&;][^=&;?\\s#]+=)[^&;\\s#]+");

    /** Secrets found by their shape wherever they sit in an argument, each replaced as the replacement says. */
    private static final List<Shape> SHAPES = List.of(
            // webhook URLs (host or path naming a hook) carry their token in the path: all of the path
            // goes but its first part, or up to the part naming the hook (api/webhooks/****)
            new Shape("(?i)([a-z][a-z0-9+.-]*://(?:[^/\\s?#]*hook[^/\\s?#]*/[^/\\s?#]+/"
                    + "|[^/\\s?#]+/(?:[^/\\s?#]+/)*?[^/\\s?#]*hook[^/\\s?#]*/))[^\\s?#]+", "$1" + MASK),
            // scheme://user:password@host: the whole user-info, up to the last @ (a base64 password
            // may hold a /), as tokens often stand in for the user
            new Shape("(?i)([a-z][a-z0-9+.-]*://)\\S*@", "$1" + MASK + "@"),
            // jdbc:oracle:thin:scott/tiger@host: Oracle's user/password
            new Shape("(?i)(jdbc:oracle:[a-z0-9]+:)[^@\\s]+@", "$1" + MASK + "@"),
            // Slack webhook URLs carry their token in the path
            new Shape("(?i)(hooks\\.slack\\.com/(?:services|workflows|triggers)/)[^\\s?#]+", "$1" + MASK),
            // so do Discord's
            new Shape("(?i)((?:discord|discordapp)\\.com/api/(?:v\\d+/)?webhooks/)[^\\s?#]+", "$1" + MASK),
            // AWS access key ids (long-lived and temporary)
            new Shape("(?:AKIA|ASIA)[A-Z0-9]{16}", MASK),
            // GitHub tokens: personal, OAuth, app, user-to-server, refresh, fine-grained
            new Shape("gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,}", MASK),
            // GitLab personal access tokens
            new Shape("glpat-[A-Za-z0-9_-]{20}", MASK),
            // Slack bot, user, app and refresh tokens
            new Shape("xox[abposr]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}", MASK),
            // Stripe secret and restricted keys
            new Shape("[sr]k_(?:live|test)_[A-Za-z0-9]{16,}", MASK),
            // Google API keys
            new Shape("AIza[A-Za-z0-9_-]{35}", MASK),
            // npm tokens
            new Shape("npm_[A-Za-z0-9]{36}", MASK),
            // JSON Web Tokens: base64url header (always {" so eyJ), payload, signature
            new Shape("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*", MASK));

    /** Tools whose short options carry credentials, by the name of their program. */
    private static final List<Program> PROGRAMS = List.of(
            // mysql -pSECRET: the password is attached, "-p" alone prompts for it
            new Program("(?:mysql|mariadb)(?:dump|admin|import|check|show|slap|binlog|pump|sh)?|mariadb-[a-z-]+",
                    Map.of(), Map.of("-p", Value.SECRET), false),
            new Program("sshpass", Map.of("-p", Value.SECRET), Map.of("-p", Value.SECRET), false),
            // after sshpass comes ssh, whose -p is a port
            new Program("ssh|scp|sftp|rsync", Map.of(), Map.of(), false),
            new Program("(?:redis|valkey|keydb)-cli", Map.of("-a", Value.SECRET), Map.of(), false),
            new Program("mongo(?:sh|dump|restore|export|import|stat|top|files)?", Map.of("-p", Value.SECRET), Map.of(),
                    false),
            new Program("sqlcmd|bcp|osql", Map.of("-P", Value.SECRET), Map.of("-P", Value.SECRET), false),
            new Program("ldap[a-z]+", Map.of("-w", Value.SECRET), Map.of("-w", Value.SECRET), false),
            new Program("zip|unzip", Map.of("-P", Value.SECRET), Map.of("-P", Value.SECRET), false),
            // openssl enc -k x, -pass/-passin/-passout pass:x
            new Program("openssl", Map.of("-k", Value.SECRET, "-pass", Value.SECRET, "-passin", Value.SECRET,
                    "-passout", Value.SECRET), Map.of(), false),
            // docker/podman/helm registry/oras login -p x: elsewhere (docker run -p 8080:80) -p is a port
            new Program("login", Map.of("-p", Value.SECRET, "--password", Value.SECRET), Map.of(), false),
            // rabbitmqctl add_user admin x, change_password admin x: the second argument on
            new Program("rabbitmqctl", Map.of(), Map.of(), false, new SecretArguments("add_user|change_password", 2)),
            // htpasswd -b file user x, htpasswd -nb user x: from the second argument on (the user too)
            new Program("htpasswd", Map.of(), Map.of(), false, new SecretArguments("-[a-zA-Z]*b[a-zA-Z]*", 2)),
            new Program("7z[az]?", Map.of(), Map.of("-p", Value.SECRET), false),
            new Program("az", Map.of("-p", Value.SECRET), Map.of(), false),
            // curl -u user:password, curl -E cert.pem:password, curl -b cookies
            new Program("curl",
                    Map.of("-u", Value.USER_PASSWORD, "--user", Value.USER_PASSWORD, "-U", Value.USER_PASSWORD,
                            "--proxy-user", Value.USER_PASSWORD, "-E", Value.USER_PASSWORD, "--cert",
                            Value.USER_PASSWORD, "--proxy-cert", Value.USER_PASSWORD, "-b", Value.SECRET),
                    Map.of("-u", Value.USER_PASSWORD, "-U", Value.USER_PASSWORD, "-E", Value.USER_PASSWORD), false),
            // sqlplus scott/tiger@db, expdp userid=scott/tiger
            new Program("sqlplus|rman|expdp|impdp|exp|imp|sqlldr|dgmgrl", Map.of(), Map.of(), true));

    /** {@code user/password} as Oracle's tools take it, alone or as a value ({@code userid=}). */
    private static final Pattern USER_SLASH_PASSWORD = Pattern.compile("^((?:[^=\\s]*=)?[\\w$#.-]+/)[^@\\s/]+");

    private MaskedCommandLine() {
    }

    /**
     * The arguments joined by spaces, masked, escaped and capped. An argument may contain spaces
     * (as {@code "Authorization: Bearer x"} after {@code curl -H} does).
     * @param arguments the program and its arguments, as the OS reports them
     * @return the text to show
     */
    public static String of(List<String> arguments) {
        return of(arguments, LIMIT);
    }

    /**
     * A command line already joined by spaces (as an older version wrote it to the history),
     * masked, escaped and capped as {@link #of(List)} does, token by token.
     * @param text the command line
     * @return the text to show
     */
    public static String ofText(String text) {
        return ofText(text, LIMIT);
    }

    static String of(List<String> arguments, int limit) {
        Masking masking = new Masking();
        return cap(arguments.stream().map(MaskedCommandLine::escape).map(masking::argument)
            .collect(Collectors.joining(" ")), limit);
    }

    static String ofText(String text, int limit) {
        Masking masking = new Masking();
        return cap(masking.tokens(escape(text)), limit);
    }

    /**
     * Control characters written out, so that a process cannot forge log lines or repaint the
     * operator's terminal through its command line. This comes before masking: masking then sees
     * the same text when it reads its own output back, which keeps it idempotent.
     */
    static String escape(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                escaped.append("\\n");
            }
            else if (c == '\r') {
                escaped.append("\\r");
            }
            else if (c == '\t') {
                escaped.append("\\t");
            }
            else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
                escaped.append(String.format("\\x%02x", (int) c));
            }
            else if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
                // bidirectional overrides reorder what the terminal shows
                escaped.append(String.format("\\u%04x", (int) c));
            }
            else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    /**
     * At most {@code limit} characters: the start (the program and its first options) and the end
     * (often the main class and its arguments, after a long class path), with {@link #CUT} between
     * them as a token of its own. The start is never cut inside a mask and the end starts at a
     * token, so that masking the result again leaves it unchanged.
     */
    private static String cap(String text, int limit) {
        if (text.length() <= limit) {
            return text;
        }
        String marker = " " + CUT + " ";
        int headBudget = (limit - marker.length()) * 3 / 8;
        int tailBudget = limit - marker.length() - headBudget;
        String head = text.substring(0, headEnd(text, headBudget));
        int tailStart = text.length() - tailBudget;
        if (text.charAt(tailStart - 1) != ' ') {
            int space = text.indexOf(' ', tailStart);
            tailStart = (space >= 0) ? space + 1 : text.length();
        }
        String tail = text.substring(tailStart);
        return tail.isEmpty() ? head + " " + CUT : head + marker + tail;
    }

    private static int headEnd(String text, int budget) {
        int end = budget;
        for (int inside = 1; inside < MASK.length(); inside++) {
            if (end - inside >= 0 && text.startsWith(MASK, end - inside)) {
                end -= inside;
                break;
            }
        }
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        while (end > 0 && text.charAt(end - 1) == ' ') {
            end--;
        }
        return end;
    }

    private static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name).find();
    }

    /**
     * Whether the argument is an option rather than the previous option's value ({@code mongod
     * --auth --port 1}). A lone {@code -} counts, as does any start of an option: a cut may leave
     * one at the end of the head.
     */
    private static boolean isOption(String argument) {
        return !argument.isEmpty() && argument.charAt(0) == '-';
    }

    /** What the argument after an option holds. */
    private enum Value {

        /** Nothing secret: it is read as any argument. */
        PLAIN,

        /** A secret as a whole. */
        SECRET,

        /** {@code user:password}, of which the user stays. */
        USER_PASSWORD,

        /** A header's value: masked, and so is the next argument after an auth scheme or a {@code ;}. */
        HEADER

    }

    /** A secret recognised by its shape, and what replaces it. */
    private record Shape(Pattern pattern, String replacement) {

        Shape(String regex, String replacement) {
            this(Pattern.compile(regex), replacement);
        }

        String apply(String argument) {
            return this.pattern.matcher(argument).replaceAll(this.replacement);
        }

    }

    /**
     * A tool whose own options carry credentials.
     * @param name the file names of its programs
     * @param options its options whose next argument is a secret
     * @param attached its short options that take the secret attached ({@code -pSECRET})
     * @param userSlashPassword whether it takes logins as {@code user/password@database}
     * @param secretArguments after which subcommand or flag its plain arguments turn secret, or {@code null}
     */
    private record Program(Pattern name, Map<String, Value> options, Map<String, Value> attached,
            boolean userSlashPassword, SecretArguments secretArguments) {

        Program(String name, Map<String, Value> options, Map<String, Value> attached, boolean userSlashPassword) {
            this(name, options, attached, userSlashPassword, null);
        }

        Program(String name, Map<String, Value> options, Map<String, Value> attached, boolean userSlashPassword,
                SecretArguments secretArguments) {
            this(Pattern.compile(name), options, attached, userSlashPassword, secretArguments);
        }

    }

    /**
     * Secrets given as plain arguments, not as values of options ({@code rabbitmqctl add_user admin
     * x}): after the trigger, every argument from the {@code from}th on that is not an option is
     * masked, to the end of the command line, as where the secret stops is not known.
     * @param trigger the subcommand or flag after which they come
     * @param from the first argument after the trigger that is masked, counting from 1
     */
    private record SecretArguments(Pattern trigger, int from) {

        SecretArguments(String trigger, int from) {
            this(Pattern.compile(trigger), from);
        }

    }

    /**
     * One pass over one command line: what the previous argument says of the next, and which
     * tool's options are being read ({@code sshpass -p x ssh -p 22} switches from sshpass to ssh).
     */
    private static final class Masking {

        private Value next = Value.PLAIN;

        private Program program;

        /** Whether the next token is the first, the program, which is no setting name. */
        private boolean first = true;

        /** From which plain argument on the arguments are secret ({@code 0}: none), see {@link SecretArguments}. */
        private int secretFrom;

        /** The plain arguments counted since {@link #secretFrom} was set. */
        private int counted;

        /** One argument of an argument list, which may contain spaces. */
        String argument(String argument) {
            String masked = afterOption(argument);
            if (masked != null) {
                return masked;
            }
            if (argument.indexOf(' ') < 0) {
                return token(argument);
            }
            Matcher header = HEADER.matcher(argument);
            if (header.matches() && isSecretName(header.group(2)) && !header.group(3).isEmpty()
                    && !NOT_A_HEADER_VALUE.matcher(header.group(3)).matches()) {
                // the whole value is known here, so all of it goes: "Cookie: a=1; b=2"
                this.first = false;
                return header.group(1) + header.group(2) + ": " + MASK;
            }
            return tokens(argument);
        }

        /** Text split at spaces, each part masked as an argument of its own. */
        String tokens(String text) {
            return Stream.of(text.split(" ", -1)).map(this::token).collect(Collectors.joining(" "));
        }

        private String token(String token) {
            String masked = afterOption(token);
            return (masked != null) ? masked : maskToken(token);
        }

        /** The argument as the previous one made it (masked when it was a secret's value), or {@code null}. */
        private String afterOption(String argument) {
            Value value = this.next;
            this.next = Value.PLAIN;
            if (argument.equals(MASK) || argument.equals(CUT)) {
                // masked already; the cut marker hides the arguments around it, and their tool
                this.program = argument.equals(CUT) ? null : this.program;
                this.secretFrom = argument.equals(CUT) ? 0 : this.secretFrom;
                return argument;
            }
            return switch (value) {
                case PLAIN -> null;
                case SECRET -> PLAIN_OPTION.matcher(argument).matches() ? null : MASK;
                case USER_PASSWORD -> isOption(argument) ? null : userPassword(argument);
                case HEADER -> {
                    this.next = continuesHeader(argument) ? Value.HEADER : Value.PLAIN;
                    yield MASK;
                }
            };
        }

        /**
         * One token that no option before it claimed, through the rules from the most specific
         * to the most general: secrets by shape, then the current tool's options, then
         * {@code NAME=value}, then {@code Name: value}, then options whose value comes next.
         */
        private String maskToken(String original) {
            boolean isProgram = this.first;
            this.first = false;
            if (this.secretFrom > 0 && !isOption(original) && ++this.counted >= this.secretFrom) {
                // rabbitmqctl add_user admin x: a secret as a plain argument
                return MASK;
            }
            String token = original;
            for (Shape shape : SHAPES) {
                token = shape.apply(token);
            }
            token = maskUrlParameters(token);
            // {"password":"x"}, also as a value: -Dspring.application.json={"spring.datasource.password":"x"}
            token = maskJsonPairs(token);
            if (!isOption(token) && selectProgram(token)) {
                return token;
            }
            if (this.program != null) {
                String masked = maskProgramOption(token);
                if (masked != null) {
                    return masked;
                }
            }
            Matcher nameValue = NAME_VALUE.matcher(token);
            if (nameValue.matches() && isSecretName(nameValue.group(1))) {
                return nameValue.group(1) + "=" + MASK;
            }
            // the pairs of a list (username=u,password=x) and pairs inside a value
            // (-javaagent:a.jar=apikey=x): each name is checked, not only the first
            token = maskPairs(token);
            Matcher header = HEADER.matcher(token);
            if (header.matches() && isSecretName(header.group(2))
                    && !NOT_A_HEADER_VALUE.matcher(header.group(3)).matches()) {
                String value = header.group(3);
                if (value.isEmpty()) {
                    this.next = Value.HEADER;
                    return token;
                }
                this.next = continuesHeader(value) ? Value.HEADER : Value.PLAIN;
                return header.group(1) + header.group(2) + ":" + MASK;
            }
            if (token.equalsIgnoreCase("bearer")) {
                this.next = Value.HEADER;
            }
            else if ((OPTION.matcher(token).matches() || (!isProgram && SETTING.matcher(token).matches()))
                    && isSecretName(token)) {
                this.next = Value.SECRET;
            }
            return token;
        }

        /** Whether the token names a tool of {@link #PROGRAMS}, whose options then follow. */
        private boolean selectProgram(String token) {
            String name = token.substring(token.lastIndexOf('/') + 1);
            for (Program candidate : PROGRAMS) {
                if (candidate.name().matcher(name).matches()) {
                    this.program = candidate;
                    this.secretFrom = 0;
                    return true;
                }
            }
            return false;
        }

        /** The token as the current tool reads it, or {@code null} when the tool does not know it. */
        private String maskProgramOption(String token) {
            SecretArguments secretArguments = this.program.secretArguments();
            if (secretArguments != null && secretArguments.trigger().matcher(token).matches()) {
                this.secretFrom = secretArguments.from();
                this.counted = 0;
                return token;
            }
            Value value = this.program.options().get(token);
            if (value != null) {
                this.next = value;
                return token;
            }
            int equals = token.indexOf('=');
            Value valueAfterEquals = (equals > 0) ? this.program.options().get(token.substring(0, equals)) : null;
            if (valueAfterEquals != null) {
                // curl --user=alice:secret
                return token.substring(0, equals + 1) + mask(token.substring(equals + 1), valueAfterEquals);
            }
            if (!token.startsWith("--")) {
                for (Map.Entry<String, Value> option : this.program.attached().entrySet()) {
                    String name = option.getKey();
                    if (token.startsWith(name) && token.length() > name.length()) {
                        return name + mask(token.substring(name.length()), option.getValue());
                    }
                }
            }
            Matcher login = USER_SLASH_PASSWORD.matcher(token);
            if (this.program.userSlashPassword() && login.find()) {
                return login.replaceFirst("$1" + MASK);
            }
            return null;
        }

        private static String maskUrlParameters(String token) {
            Matcher url = URL_START.matcher(token);
            if (!url.find()) {
                return token;
            }
            return token.substring(0, url.end())
                    + URL_PARAMETER.matcher(token.substring(url.end())).replaceAll("$1" + MASK);
        }

        /** Every pair of the token whose name is a secret's, each name checked ({@link #PAIR}). */
        private static String maskPairs(String token) {
            Matcher pair = PAIR.matcher(token);
            StringBuilder masked = new StringBuilder(token.length());
            while (pair.find()) {
                pair.appendReplacement(masked, Matcher.quoteReplacement(maskPair(pair.group())));
            }
            pair.appendTail(masked);
            return masked.toString();
        }

        /** {@code a=b=c}: all after the first {@code =} whose name before it is a secret's. */
        private static String maskPair(String pair) {
            int nameStart = 0;
            for (int equals = pair.indexOf('='); equals >= 0; equals = pair.indexOf('=', equals + 1)) {
                if (equals < pair.length() - 1 && isSecretName(pair.substring(nameStart, equals))) {
                    return pair.substring(0, equals + 1) + MASK;
                }
                nameStart = equals + 1;
            }
            return pair;
        }

        /** The values of JSON members whose name is a secret's, as {@code "****"}. */
        private static String maskJsonPairs(String token) {
            Matcher member = JSON_PAIR.matcher(token);
            StringBuilder masked = new StringBuilder(token.length());
            while (member.find()) {
                String replacement = isSecretName(member.group(1))
                        ? "\"" + member.group(1) + "\"" + member.group(2) + "\"" + MASK + "\"" : member.group();
                member.appendReplacement(masked, Matcher.quoteReplacement(replacement));
            }
            member.appendTail(masked);
            return masked.toString();
        }

        private static String mask(String secret, Value value) {
            return (value == Value.USER_PASSWORD) ? userPassword(secret) : MASK;
        }

        /** {@code user:password} with the password masked; a lone user stays (curl then prompts). */
        private static String userPassword(String argument) {
            int colon = argument.indexOf(':');
            return (colon >= 0 && colon < argument.length() - 1) ? argument.substring(0, colon + 1) + MASK
                    : argument;
        }

        /** Whether the credential goes on after this part of a header: {@code Bearer x}, {@code a=1; b=2}. */
        private static boolean continuesHeader(String part) {
            return AUTH_SCHEME.matcher(part).matches() || part.endsWith(";") || part.endsWith(",");
        }

    }

}
