package dev.yoq.bench;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.yoq.manifest.AppSnapshot;
import dev.yoq.manifest.Manifest;
import dev.yoq.manifest.ManifestLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Load + validate + snapshot (and hash) a generated manifest of N services, each with env, a health check and an
 * HTTP route; the peer is the TOML parse alone of the same text (Jackson), the floor under our pipeline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class ManifestBenchmark {

    @Param({"100", "1000", "10000"})
    int services;

    String text;
    final TomlMapper toml = new TomlMapper();

    @Setup
    public void generate() {
        StringBuilder b = new StringBuilder("app = \"bench\"\n");
        for (int i = 0; i < services; i++) {
            String name = "svc" + i;
            b.append("[service.").append(name).append("]\nimage = \"registry.example.com/team/").append(name).append(":1.0\"\n")
                    .append("ports = [\"").append(10000 + i).append(":8080\"]\n")
                    .append("env = [\"SERVICE=").append(name).append("\", \"LOG_LEVEL=info\", \"DB_URL=postgres://db/").append(name).append("\"]\n");
            if (i > 0) {
                b.append("depends_on = [\"svc").append(i - 1).append("\"]\n");
            }
            b.append("restart = \"on_failure\"\n[service.").append(name).append(".health_check]\ntype = \"http\"\npath = \"/health\"\nport = 8080\n")
                    .append("[service.").append(name).append(".http_routes.main]\nhost = \"").append(name).append(".example.com\"\npath_prefix = \"/\"\n")
                    .append("retries = 1\n");
        }
        text = b.toString();
    }

    @Benchmark
    public String loadValidateSnapshot() {
        // 10,000 such services are ~1.6 MiB, past the 1 MiB cap for users' files: lift it for the measurement
        Manifest m = ManifestLoader.parse(text, "manifest.toml", "bench", Map.<String, String>of()::get, 64 << 20)
                .manifest();
        return AppSnapshot.hash(AppSnapshot.json(m));
    }

    @Benchmark
    public Object peerTomlParseOnly() throws Exception {
        return toml.readTree(text);
    }
}
