package dev.yoq.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.yoq.app.AlertState;
import dev.yoq.manifest.Manifest;
import org.junit.jupiter.api.Test;

/** Latency and error rate per service between two readings of the proxy's counters, and the alerts they drive. */
class ProxyWindowsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A reading: one route sending to demo-api (requests, 5xx, failures, fast/slow answers) and to a mirror. */
    static JsonNode reading(long requests, long fiveXx, long failures, long fast, long slow) throws Exception {
        return JSON.readTree("{\"routes\":{\"demo-api/default\":{\"backend_traffic\":{\"demo-api\":{\"requests\":" + requests
                + ",\"responses\":{\"2xx\":" + (requests - fiveXx) + ",\"5xx\":" + fiveXx + "},\"upstream_failures\":" + failures
                + ",\"latency\":{\"buckets\":{\"le_5\":" + fast + ",\"le_250\":" + slow + ",\"le_inf\":0}}}},"
                + "\"mirror_backend_traffic\":{\"demo-shadow\":{\"requests\":" + requests + "}}}}}");
    }

    @Test
    void the_window_is_the_difference_of_two_readings() throws Exception {
        ProxyWindows w = new ProxyWindows();
        assertThat(w.next(reading(100, 0, 0, 100, 0))).as("first sight: no window yet").isEmpty();
        var window = w.next(reading(300, 20, 10, 290, 10)).get("demo-api");   // 20 5xx, 10 of them failures
        assertThat(window.requests()).isEqualTo(200);
        assertThat(window.errorRatePercent()).isEqualTo(10.0);
        assertThat(window.latencyP99Ms()).as("10 of 200 slow: the 99th percentile is in the 250 ms bucket").isEqualTo(250.0);
        assertThat(w.next(reading(300, 20, 10, 290, 10))).as("no requests since: no value").isEmpty();
        assertThat(w.next(reading(5, 0, 0, 5, 0))).as("counters went back (proxy restarted): start over").isEmpty();
        assertThat(w.next(reading(105, 0, 0, 105, 0)).get("demo-api").latencyP99Ms()).isEqualTo(5.0);
    }

    @Test
    void latency_and_error_rate_alerts_fire_after_consecutive_breaches() {
        AlertState s = new AlertState(new Manifest.Alerts(null, null, null, 100.0, 5.0, null, 2));
        assertThat(s.observe(new AlertState.Sample(null, null, null, 250.0, 1.0), 2)).isEmpty();
        var fired = s.observe(new AlertState.Sample(null, null, null, 250.0, 10.0), 2);
        assertThat(fired).extracting(AlertState.Firing::metric).containsExactly("latency_p99_ms");
        assertThat(s.observe(new AlertState.Sample(null, null, null, null, 10.0), 2)).extracting(AlertState.Firing::metric)
                .as("no traffic in a window leaves latency as it was; errors breach twice").containsExactly("error_rate_percent");
        assertThat(s.metrics()).allMatch(AlertState.Metric::measured);
    }
}
