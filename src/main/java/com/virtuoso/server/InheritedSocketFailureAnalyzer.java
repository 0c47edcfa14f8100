package com.virtuoso.server;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import com.virtuoso.ports.InheritedSocketException;

/**
 * Explains a start that was handed sockets it cannot serve (socket activation), and the fix in
 * the units or the launcher.
 */
class InheritedSocketFailureAnalyzer extends AbstractFailureAnalyzer<InheritedSocketException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InheritedSocketException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }

}
