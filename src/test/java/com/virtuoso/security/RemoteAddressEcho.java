package com.virtuoso.security;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A test-only endpoint that answers the client address the application sees: proof that a
 * forwarded-headers strategy really rewrote it in a test that sends {@code X-Forwarded-For}.
 */
@RestController
class RemoteAddressEcho {

    static final String PATH = "/test/remote-address";

    @GetMapping(PATH)
    String remoteAddress(HttpServletRequest request) {
        return request.getRemoteAddr();
    }

}
