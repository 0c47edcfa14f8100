package com.virtuoso.server;

import java.nio.file.Path;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.virtuoso.config.WebServerProperties;
import com.virtuoso.state.StateDirectory;

/**
 * Opens {@code web_server.state_dir} once for the whole server, so that a refused directory is
 * reported in one warning, not once per user of it. A refused directory does not stop the
 * server: the instance registry and the conflict history are diagnostics, and they record nothing
 * rather than trust a directory others could write.
 */
@Configuration(proxyBeanMethods = false)
public class StateDirectoryConfiguration {

    private static final Log logger = LogFactory.getLog(StateDirectoryConfiguration.class);

    @Bean
    StateDirectory stateDirectory(WebServerProperties properties) {
        StateDirectory directory = StateDirectory.open(Path.of(properties.getStateDir()));
        directory.refusal()
            .ifPresent((refusal) -> logger.warn(refusal + ". The server runs on without the instance registry "
                    + "('ports list' will not show it), without the conflict history, and without a Prometheus "
                    + "target file unless web_server.prometheus_targets_dir is outside it."));
        return directory;
    }

}
