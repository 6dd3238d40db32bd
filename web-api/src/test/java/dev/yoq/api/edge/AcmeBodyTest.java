package dev.yoq.api.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.api.BoundedJsonReader;
import dev.yoq.edge.AcmeRequest;
import dev.yoq.edge.CertificateStoreException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The provision/renew body: every field optional, types checked here, values by AcmeRequest.check (same words as the CLI). */
class AcmeBodyTest {
    static AcmeRequest parse(String json) throws Exception {
        return AcmeBody.parse(BoundedJsonReader.parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void every_field_is_read_and_absent_or_null_ones_are_not_given() throws Exception {
        assertThat(parse("{}")).isEqualTo(AcmeRequest.NONE);
        assertThat(parse("{\"email\":null,\"staging\":null,\"dns_hook\":null}")).isEqualTo(AcmeRequest.NONE);
        assertThat(parse("{\"email\":\" ops@a.test \",\"staging\":false,\"challenge\":\"dns-01\",\"dns_provider\":\"exec\","
                + "\"dns_hook\":[\"/usr/local/bin/hook\",\"--zone\",\"a.test\"],\"dns_propagation_timeout_secs\":120,\"dns_poll_interval_secs\":2}"))
                .isEqualTo(new AcmeRequest("ops@a.test", false, null, "dns-01", "exec", List.of("/usr/local/bin/hook", "--zone", "a.test"), 120L, 2L));
        assertThat(parse("{\"directory_url\":\"https://localhost:14000/dir\"}").directoryUrl()).isEqualTo("https://localhost:14000/dir");
    }

    @Test
    void wrong_types_unknown_fields_and_bad_values_name_the_field() {
        String[][] cases = {
                {"{\"email\":1}", "email must be a string"},
                {"{\"staging\":\"yes\"}", "staging must be true or false"},
                {"{\"dns_hook\":\"/bin/hook\"}", "dns_hook must be an array of strings"},
                {"{\"dns_hook\":[\"/bin/hook\",2]}", "dns_hook must be an array of strings"},
                {"{\"dns_poll_interval_secs\":1.5}", "dns_poll_interval_secs must be a whole number of seconds"},
                {"{\"dns_poll_interval_secs\":\"5\"}", "dns_poll_interval_secs must be a whole number of seconds"},
                {"{\"dns_poll_interval_secs\":0}", "dns_poll_interval_secs: must be 1-4294967295, got 0"},
                {"{\"dns_propagation_timeout_secs\":4294967296}", "dns_propagation_timeout_secs: must be 1-4294967295, got 4294967296"},
                {"{\"dns_propagation_timeout_secs\":99999999999999999999999}", "dns_propagation_timeout_secs: must be 1-4294967295, got 99999999999999999999999"},
                {"{\"dns_provider\":\"bind\"}", "unknown dns provider bind: cloudflare, route53, gcloud or exec"},
                {"{\"dns_provider\":\"exec\"}", "the exec dns provider needs a hook command (dns_hook)"},
                {"{\"dns_provider\":\"exec\",\"dns_hook\":[\"\"]}", "dns_hook: an argument is empty"},
                {"{\"challenge\":\"tls-alpn-01\"}", "challenge: must be http-01 or dns-01, got tls-alpn-01"},
                {"{\"challenge\":\"http-01\",\"dns_provider\":\"exec\",\"dns_hook\":[\"h\"]}", "the dns provider settings are only used with the dns-01 challenge"},
                {"{\"staging\":true,\"directory_url\":\"https://ca.test/dir\"}", "set either staging or directory_url, not both"},
                {"{\"directory_url\":\"ftp://ca.test/dir\"}", "directory_url: not an http(s) URL: ftp://ca.test/dir"},
                {"{\"email\":\"nobody\"}", "email: not an email address: nobody"},
                {"{\"dns_secret\":[\"api_token=cf\"]}", "unknown field dns_secret (known: challenge, directory_url, dns_hook, dns_poll_interval_secs, "
                        + "dns_propagation_timeout_secs, dns_provider, dns_secrets, email, staging)"},
                {"{\"dns_secrets\":[\"api_token=cf\"]}", "dns_secrets must be an object of variable: secret name"},
                {"{\"dns_secrets\":{\"TOKEN\":1}}", "dns_secrets.TOKEN must be a secret's name"}};
        for (String[] c : cases) {
            assertThatThrownBy(() -> parse(c[0])).as(c[0])
                    .isInstanceOfSatisfying(CertificateStoreException.class, e -> assertThat(e.kind()).isEqualTo(CertificateStoreException.Kind.INVALID))
                    .hasMessage(c[1]);
        }
    }
}
