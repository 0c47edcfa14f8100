package com.virtuoso.alerts;

import java.net.URI;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A webhook URL is shown as scheme, host and fingerprint, never with its token; plain http is
 * judged from the URL alone.
 */
class WebhookUrlTest {

    private static final String TOKEN = "Zq8v-S3cr3tT0ken";

    @Test
    void theRedactedFormHasSchemeHostPortAndFingerprintOnly() {
        WebhookUrl url = url("https://alerts:" + TOKEN + "@hooks.example.com:8443/api/webhooks/42/" + TOKEN
                + "?key=" + TOKEN + "#" + TOKEN);
        assertThat(url.redacted()).matches("https://hooks\\.example\\.com:8443/…#[0-9a-f]{4}")
            .isEqualTo(url.toString())
            .endsWith(url.fingerprint());
        assertThat(url("https://discord.com/api/webhooks/42/" + TOKEN).redacted())
            .matches("https://discord\\.com/…#[0-9a-f]{4}");
        assertThat(url("http://[::1]:9000/x").redacted()).startsWith("http://[::1]:9000/…#");
    }

    @Test
    void theFingerprintIsStableAndTellsTwoTokensApart() {
        WebhookUrl one = url("https://discord.com/api/webhooks/42/" + TOKEN);
        WebhookUrl other = url("https://discord.com/api/webhooks/42/" + TOKEN + "x");
        assertThat(one.fingerprint()).isEqualTo(url(one.uri().toString()).fingerprint());
        assertThat(one.fingerprint()).isNotEqualTo(other.fingerprint());
        assertThat(one.redacted()).isNotEqualTo(other.redacted());
    }

    @Test
    void theWebhookRecordPrintsTheUrlRedacted() {
        WebhookAlerts.Webhook webhook = new WebhookAlerts.Webhook(URI.create("https://discord.com/api/webhooks/42/"
                + TOKEN), WebhookFormat.DISCORD);
        assertThat(webhook.toString()).contains("https://discord.com/…#").doesNotContain(TOKEN, "/api");
    }

    @Test
    void aMessageIsScrubbedOfTheUrlAndItsParts() {
        WebhookUrl url = url("https://user:pw@discord.com/api/webhooks/42/" + TOKEN + "?wait=" + TOKEN);
        assertThat(url.scrub("failed: " + url.uri() + "; path /api/webhooks/42/" + TOKEN + ", query wait=" + TOKEN))
            .doesNotContain(TOKEN, "pw")
            .contains(url.redacted());
    }

    @ParameterizedTest
    @ValueSource(strings = { "http://198.51.100.7/hook/" + TOKEN, "http://hooks.example.com/x",
            "HTTP://198.51.100.7:8080/x", "http://localhost.example.com/x", "http://127.0.0.1.example.com/x",
            "http://[2001:db8::1]/x", "http://128.0.0.1/x" })
    void plainHttpToAnotherMachineIsWarnedAbout(String value) {
        WebhookUrl url = url(value);
        assertThat(url.cleartextWarning()).hasValueSatisfying((warning) -> assertThat(warning)
            .contains(url.redacted(), "plain http", "Fix: use its https:// URL")
            .doesNotContain(TOKEN, "/x"));
    }

    @ParameterizedTest
    @ValueSource(strings = { "https://198.51.100.7/hook", "http://127.0.0.1:9000/hook", "http://127.255.0.1/x",
            "http://localhost:9000/x", "http://LOCALHOST/x", "http://[::1]:9000/x", "http://[0:0:0:0:0:0:0:1]/x" })
    void httpsAndLoopbackAreNot(String value) {
        assertThat(url(value).cleartextWarning()).isEmpty();
    }

    private static WebhookUrl url(String value) {
        return new WebhookUrl(URI.create(value));
    }

}
