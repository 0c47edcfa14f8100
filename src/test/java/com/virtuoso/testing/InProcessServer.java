package com.virtuoso.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import com.virtuoso.VirtuosoApplication;

/**
 * The Virtuoso server started in the test's JVM on 127.0.0.1, with a state directory of the
 * test's own and none of the repository's config/application.yaml.
 */
public final class InProcessServer implements AutoCloseable {

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final ConfigurableApplicationContext context;

    private InProcessServer(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** The host for URLs: the bound address, in brackets when it is IPv6. */
    private String urlHost() {
        String host = context.getEnvironment().getRequiredProperty("server.address");
        return host.contains(":") ? "[" + host + "]" : host;
    }

    /** Starts the server; {@code arguments} are command-line arguments such as {@code --web_server.port=N}. */
    public static InProcessServer start(Path stateDir, List<Class<?>> extraSources, String... arguments) {
        List<String> all = new ArrayList<>(List.of("--spring.config.location=classpath:/application.yaml",
                "--web_server.state_dir=" + stateDir, "--spring.main.banner-mode=off"));
        all.addAll(List.of(arguments));
        if (all.stream().noneMatch((argument) -> argument.startsWith("--web_server.host="))) {
            all.add("--web_server.host=127.0.0.1");
        }
        // the same server on every machine: CI runs where /.dockerenv exists, a laptop does not
        if (all.stream().noneMatch((argument) -> argument.startsWith("--web_server.in_container="))) {
            all.add("--web_server.in_container=false");
        }
        List<Class<?>> sources = new ArrayList<>(List.of(VirtuosoApplication.class));
        sources.addAll(extraSources);
        return new InProcessServer(
                new SpringApplicationBuilder(sources.toArray(Class<?>[]::new)).run(all.toArray(String[]::new)));
    }

    public static InProcessServer start(Path stateDir, String... arguments) {
        return start(stateDir, List.of(), arguments);
    }

    public ConfigurableApplicationContext context() {
        return context;
    }

    public int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    /** GET {@code path} on this server; the JSON body. */
    public JsonNode getJson(String path) throws Exception {
        return JsonMapper.shared().readTree(get(path));
    }

    /** GET {@code path} on this server; the body, after a 200. */
    public String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest
            .newBuilder(URI.create("http://" + urlHost() + ":" + port() + path))
            .timeout(Duration.ofSeconds(10))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    @Override
    public void close() {
        context.close();
    }

}
