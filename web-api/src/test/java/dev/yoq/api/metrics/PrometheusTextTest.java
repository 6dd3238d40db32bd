package dev.yoq.api.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.TreeMap;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Gauge;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.Metric;
import org.eclipse.microprofile.metrics.MetricID;
import org.eclipse.microprofile.metrics.Tag;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    static Counter counter(long n) {
        return new Counter() {
            @Override public void inc() { }
            @Override public void inc(long k) { }
            @Override public long getCount() { return n; }
        };
    }

    @Test
    void countersAndGaugesRenderWithScopeAndEscapedLabels() {
        Map<MetricID, Metric> metrics = new TreeMap<>();
        metrics.put(new MetricID("yoq_api_requests", new Tag("route", "/v1/status"), new Tag("status", "200")),
                counter(3));
        metrics.put(new MetricID("yoq_api_requests", new Tag("route", "say \"hi\""), new Tag("status", "404")),
                counter(1));
        metrics.put(new MetricID("memory.usedHeap"), (Gauge<Long>) () -> 1024L);

        StringBuilder out = new StringBuilder();
        PrometheusText.render("application", metrics,
                name -> Metadata.builder().withName(name).withDescription("about " + name).build(), out);

        assertThat(out.toString()).isEqualTo("""
                # HELP memory_usedHeap about memory.usedHeap
                # TYPE memory_usedHeap gauge
                memory_usedHeap{mp_scope="application"} 1024.0
                # HELP yoq_api_requests_total about yoq_api_requests
                # TYPE yoq_api_requests_total counter
                yoq_api_requests_total{mp_scope="application",route="/v1/status",status="200"} 3.0
                yoq_api_requests_total{mp_scope="application",route="say \\"hi\\"",status="404"} 1.0
                """);
    }

    @Test
    void numbersFollowTheExpositionFormat() {
        assertThat(PrometheusText.format(2)).isEqualTo("2.0");
        assertThat(PrometheusText.format(0.25)).isEqualTo("0.25");
        assertThat(PrometheusText.format(Double.NaN)).isEqualTo("NaN");
        assertThat(PrometheusText.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusText.sanitize("9lives.count-x")).isEqualTo("_9lives_count_x");
    }
}
