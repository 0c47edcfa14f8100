package com.virtuoso.config;

import java.nio.file.Path;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Applies {@link WebServerEnvironment} right after the config files are read and before logging
 * starts, so that a bad value stops the start before anything else happens and
 * {@code log_level} is in force from the first log line; the web_server block of the trading
 * system's {@code config/config.yaml} ({@link TradingConfigFile}) first, below the config files.
 */
public class WebServerEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** Right after the config files are loaded. */
    public static final int ORDER = ConfigDataEnvironmentPostProcessor.ORDER + 1;

    private final Log log;

    private final Path tradingConfig;

    public WebServerEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this(logFactory, TradingConfigFile.DEFAULT);
    }

    WebServerEnvironmentPostProcessor(DeferredLogFactory logFactory, Path tradingConfig) {
        this.log = logFactory.getLog(WebServerEnvironmentPostProcessor.class);
        this.tradingConfig = tradingConfig;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        // a warning, not news: it asks for a move, and a log_level of warn in that very block must not hide it
        TradingConfigFile.addTo(environment, tradingConfig, log::warn).ifPresent(log::warn);
        WebServerEnvironment.prepare(environment, log::warn);
    }

}
