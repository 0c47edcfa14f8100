package com.virtuoso.alerts;

import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * The body a webhook receives for a {@link PortEvent}.
 */
public enum WebhookFormat {

    /** Discord's execute-webhook JSON: {@code {"content": "..."}} (at most 2000 characters). */
    DISCORD {
        @Override
        String body(PortEvent event) {
            return JsonMapper.shared().writeValueAsString(Map.of("content", truncate(text(event), 2000)));
        }
    },

    /** Slack's incoming-webhook JSON: {@code {"text": "..."}}. */
    SLACK {
        @Override
        String body(PortEvent event) {
            return JsonMapper.shared().writeValueAsString(Map.of("text", text(event)));
        }
    },

    /** The event itself, as JSON. */
    GENERIC {
        @Override
        String body(PortEvent event) {
            return JsonMapper.shared().writeValueAsString(event);
        }
    };

    abstract String body(PortEvent event);

    static String text(PortEvent event) {
        return "Virtuoso " + event.type() + " on " + event.host() + " (PID " + event.pid() + "): " + event.message();
    }

    private static String truncate(String text, int max) {
        return (text.length() <= max) ? text : text.substring(0, max - 1) + "…";
    }

}
