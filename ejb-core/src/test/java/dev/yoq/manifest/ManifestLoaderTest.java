package dev.yoq.manifest;

import static dev.yoq.manifest.Manifests.assertError;
import static dev.yoq.manifest.Manifests.errors;
import static dev.yoq.manifest.Manifests.load;
import static dev.yoq.manifest.Manifests.warnings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import dev.yoq.manifest.Manifest.Service;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Spec §3 and the pinned behaviours of §7.2, rule by rule. */
class ManifestLoaderTest {

    static final String WEB = "[service.web]\nimage = \"nginx:latest\"\n";

    @Test
    void aMinimalServiceGetsEveryDefault() {
        Manifest m = load(WEB);

        assertThat(m.appName()).isEqualTo("demo");
        Service web = m.services().get(0);
        assertThat(web.name()).isEqualTo("web");
        assertThat(web.common().image()).isEqualTo("nginx:latest");
        assertThat(web.common().command()).isEmpty();
        assertThat(web.ports()).isEmpty();
        assertThat(web.common().env()).isEmpty();
        assertThat(web.dependsOn()).isEmpty();
        assertThat(web.common().volumes()).isEmpty();
        assertThat(web.restart()).isEqualTo("none");
        assertThat(web.rollout()).isEqualTo(new Manifest.Rollout("rolling", 1, 0, "rollback", 0));
        assertThat(web.healthCheck()).isNull();
        assertThat(web.replicas()).isEqualTo(1);
        assertThat(web.cpuLimit()).isEqualTo(1000);
        assertThat(web.memoryLimitMb()).isEqualTo(256);
    }

    @Test
    void anAppKeyNamesTheApp() {
        assertThat(load("app = \"shop\"\n" + WEB).appName()).isEqualTo("shop");
    }

    @Test
    void nothingToRunIsNoServices() {
        assertError("", "NoServices");
        assertError("[volume.data]\n", "NoServices");
        assertThat(load("[worker.w]\nimage = \"x\"\n").workers()).hasSize(1);
        assertThat(load("[cron.c]\nimage = \"x\"\nevery = \"1h\"\n").crons()).hasSize(1);
        assertThat(load("[training.t]\nimage = \"x\"\ngpus = 1\n").trainingJobs()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"service", "worker", "cron", "training"})
    void everyWorkloadNeedsAnImage(String kind) {
        String extra = kind.equals("cron") ? "every = \"1h\"\n" : kind.equals("training") ? "gpus = 1\n" : "";
        assertError("[" + kind + ".x]\n" + extra, "MissingImage");
        assertThat(errors("[" + kind + ".x]\nimage = \"\"\n" + extra)).isEmpty();
    }

    @Test
    void aWrongTypeCountsAsAbsentWithAWarning() {
        assertError("[service.web]\nimage = 5\n", "MissingImage");
        assertThat(warnings("[service.web]\nimage = 5\n")).contains("service.web.image: expected a string, got an integer (ignored)");
        Manifest m = load(WEB + "[service.web.rollout]\nparallelism = \"2\"\n");
        assertThat(m.services().get(0).rollout().parallelism()).isEqualTo(1);
    }

    @Test
    void dependenciesAreOrderedAndValidated() {
        Manifest m = load("[service.web]\nimage = \"n\"\ndepends_on = [\"db\", \"migrate\"]\n"
                + "[service.cache]\nimage = \"r\"\n[service.db]\nimage = \"p\"\n[worker.migrate]\nimage = \"m\"\n");
        assertThat(ManifestRules.startOrder(m)).extracting(Service::name).containsExactly("cache", "db", "web");

        assertThat(errors("[service.web]\nimage = \"n\"\ndepends_on = [\"web\"]\n"))
                .containsExactly("CircularDependency service.web.depends_on: 'web' depends on itself");
        assertThat(errors("[service.a]\nimage = \"n\"\ndepends_on = [\"c\"]\n[service.b]\nimage = \"n\"\ndepends_on = [\"a\"]\n"
                + "[service.c]\nimage = \"n\"\ndepends_on = [\"b\"]\n"))
                .containsExactly("CircularDependency service.a.depends_on: dependency cycle: a -> c -> b -> a");
        assertThat(errors(WEB + "depends_on = [\"ghost\"]\n"))
                .containsExactly("UnknownDependency service.web.depends_on: 'ghost' is not a service or worker of this manifest");
    }

    @Test
    void longDependencyChainsNeitherOverflowNorSlowDown() {
        StringBuilder chain = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            chain.append("[service.s").append(i).append("]\nimage = \"x\"\n");
            chain.append("depends_on = [\"s").append(i == 0 ? 9_999 : i - 1).append("\"]\n");
        }
        List<String> ring = errors(chain.toString());
        assertThat(ring).hasSize(1);
        assertThat(ring.get(0)).startsWith("CircularDependency service.s0.depends_on: dependency cycle: s0 -> s9999 -> s9998");

        Manifest line = load(chain.toString().replaceFirst("depends_on = \\[\"s9999\"]\n", ""));
        assertThat(ManifestRules.startOrder(line).get(9_999).name()).isEqualTo("s9999");
    }

    @ParameterizedTest
    @CsvSource({"80:8080, 80, 8080", "443:443, 443, 443", "65535:1, 65535, 1"})
    void portsParse(String spec, int host, int container) {
        assertThat(load(WEB + "ports = [\"" + spec + "\"]\n").services().get(0).ports())
                .containsExactly(new Manifest.PortMapping(host, container));
    }

    @ParameterizedTest
    @ValueSource(strings = {":80", "80:", "invalid", "99999:80", "80:99999", "", "abc:def", "0:80", "80:0", "1:2:3"})
    void badPortsAreInvalidPortMapping(String spec) {
        assertError(WEB + "ports = [\"" + spec + "\"]\n", "InvalidPortMapping");
    }

    @Test
    void envEntriesNeedAKey() {
        assertThat(load(WEB + "env = [\"KEY=VALUE\", \"EMPTY=\", \"U=ünïcødé\"]\n").services().get(0).common().env())
                .containsExactly("KEY=VALUE", "EMPTY=", "U=ünïcødé");
        assertError(WEB + "env = [\"=V\"]\n", "InvalidEnvVar");
        assertError(WEB + "env = [\"NOEQ\"]\n", "InvalidEnvVar");
    }

    @Test
    void volumesAreBindOrNamedAndHonourTheirMode() {
        var mounts = load(WEB + "volumes = [\"./src:/app\", \"data:/var/data:ro\", \"/etc/x:/x:rw\", \"/s:/dst:invalid\"]\n")
                .services().get(0).common().volumes();
        assertThat(mounts).containsExactly(new Manifest.Mount("./src", "/app", "bind", false),
                new Manifest.Mount("data", "/var/data", "named", true), new Manifest.Mount("/etc/x", "/x", "bind", false),
                new Manifest.Mount("/s", "/dst:invalid", "bind", false));
        for (String bad : List.of("", "x", ":::", "data:", "data:relative")) {
            assertError(WEB + "volumes = [\"" + bad + "\"]\n", "InvalidVolumeMount");
        }
    }

    @Test
    void variablesExpandBeforeParsing() {
        Manifest m = load("[service.web]\nimage = \"nginx:${IMAGE_TAG}\"\nenv = [\"A=${UNSET}\", \"B=${UNSET:-dflt}\", "
                + "\"C=${EMPTY:-x}\", \"D=$$HOME\"]\nworking_dir = \"${WD:-/srv}\"\n");
        Service web = m.services().get(0);
        assertThat(web.common().image()).isEqualTo("nginx:1.27");
        assertThat(web.common().env()).containsExactly("A=", "B=dflt", "C=", "D=$HOME");
        assertThat(web.common().workingDir()).isEqualTo("/srv");
    }

    @ParameterizedTest
    @CsvSource({"30s, 30", "5m, 300", "1h, 3600", "0s, 0"})
    void durations(String text, long seconds) {
        assertThat(load("[cron.c]\nimage = \"x\"\nevery = \"" + text + "\"\n").crons().get(0).every()).isEqualTo(seconds);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1d", "10", "s", "", "1.5h", "-1s", " 5m", "5 m", "10ms"})
    void badDurationsAreInvalidScheduleOrRollout(String text) {
        assertError("[cron.c]\nimage = \"x\"\nevery = \"" + text + "\"\n", "InvalidSchedule");
        assertError(WEB + "[service.web.rollout]\ndelay_between_batches = \"" + text + "\"\n", "InvalidRolloutConfig");
    }

    @Test
    void cronNeedsEvery() {
        assertThat(errors("[cron.c]\nimage = \"x\"\n"))
                .containsExactly("InvalidSchedule cron.c.every: required: how often to run, e.g. every = \"1h\"");
    }

    @ParameterizedTest
    @CsvSource({"none, true", "always, true", "on_failure, true", "on-failure, false", "never, false"})
    void restartPolicies(String policy, boolean ok) {
        if (ok) {
            assertThat(load(WEB + "restart = \"" + policy + "\"\n").services().get(0).restart()).isEqualTo(policy);
        } else {
            assertError(WEB + "restart = \"" + policy + "\"\n", "InvalidRestartPolicy");
        }
    }

    @Test
    void rolloutRules() {
        assertError(WEB + "[service.web.rollout]\nstrategy = \"bluegreen\"\n", "InvalidRolloutConfig");
        assertError(WEB + "[service.web.rollout]\nparallelism = 0\n", "InvalidRolloutConfig");
        assertError(WEB + "[service.web.rollout]\nfailure_action = \"abort\"\n", "InvalidRolloutConfig");
        Manifest m = load(WEB + "[service.web.rollout]\nstrategy = \"canary\"\nparallelism = 3\n"
                + "delay_between_batches = \"10s\"\nfailure_action = \"pause\"\nhealth_check_timeout = \"2m\"\n");
        assertThat(m.services().get(0).rollout()).isEqualTo(new Manifest.Rollout("canary", 3, 10, "pause", 120));
    }

    @Test
    void healthCheckRules() {
        String hc = WEB + "[service.web.health_check]\n";
        assertError(hc, "InvalidHealthCheck");
        assertError(hc + "type = \"ping\"\n", "InvalidHealthCheck");
        assertError(hc + "type = \"http\"\nport = 80\n", "InvalidHealthCheck");
        assertError(hc + "type = \"http\"\npath = \"/\"\n", "InvalidHealthCheck");
        assertError(hc + "type = \"tcp\"\nport = 0\n", "InvalidHealthCheck");
        assertError(hc + "type = \"tcp\"\nport = 70000\n", "InvalidHealthCheck");
        assertError(hc + "type = \"exec\"\ncommand = []\n", "InvalidHealthCheck");
        for (String bad : List.of("interval = 0", "timeout = 0", "retries = 0", "start_period = -1")) {
            assertError(hc + "type = \"tcp\"\nport = 5432\n" + bad + "\n", "InvalidHealthCheck");
        }
        var h = load(hc + "type = \"grpc\"\nport = 9090\nservice = \"api\"\n").services().get(0).healthCheck();
        assertThat(h).isEqualTo(new Manifest.HealthCheck("grpc", null, 9090, "api", null, 10, 5, 3, 0));
    }

    @Test
    void errorsNameFileLineTableAndField() {
        String toml = "# comment\n[service.api]\nimage = \"x\"\n\n[service.api.health_check]\ntype = \"tcp\"\nport = 70000\n";
        assertThatThrownBy(() -> load(toml)).isInstanceOf(ManifestException.class)
                .hasMessage("manifest.toml:7: service.api.health_check.port: must be 1-65535, got 70000");
    }

    @Test
    void everyErrorIsReportedNotJustTheFirst() {
        assertThat(errors("[service.a]\nrestart = \"x\"\nports = [\"1:99999\"]\n")).hasSize(3);
    }

    @Test
    void unknownKeysAreWarningsWithASuggestion() {
        assertThat(warnings(WEB + "imgae = \"x\"\nrestrat = \"always\"\nbanana = 1\n")).contains(
                "service.web.imgae: unknown key, ignored (did you mean 'image'?)",
                "service.web.restrat: unknown key, ignored (did you mean 'restart'?)",
                "service.web.banana: unknown key, ignored");
        assertThat(warnings("[servcie.web]\nimage = \"x\"\n" + WEB)).contains("servcie: unknown key, ignored (did you mean 'service'?)");
    }

    @Test
    void theSemanticChecksOfValidate() {
        assertThat(errors("[service.a]\nimage = \"x\"\nports = [\"80:80\"]\n[service.b]\nimage = \"y\"\nports = [\"80:8080\"]\n"))
                .containsExactly("PortConflict service.b.ports: host port 80 is mapped by both 'a' and 'b'");
        assertThat(warnings(WEB + "volumes = [\"data:/d\"]\n"))
                .contains("service.web.volumes: service 'web' uses volume 'data' which is not declared in [volume.*]; it will be created with the local driver");
        assertThat(warnings(WEB + "[service.web.health_check]\ntype = \"tcp\"\nport = 1\ninterval = 5\ntimeout = 5\n"))
                .contains("service.web.health_check: service 'web' health check timeout (5s) >= interval (5s)");
        assertThat(errors("[training.t]\nimage = \"x\"\ngpus = 1\n[training.t.checkpoint]\npath = \"ckpt\"\n"))
                .containsExactly("InvalidTrainingConfig training.t.checkpoint.path: training 't' checkpoint path must be absolute (start with /)");
    }

    @Test
    void tomlParseErrorsAreLocated() {
        assertThatThrownBy(() -> load(WEB + "x = 1\nx = 2\n")).isInstanceOf(ManifestException.class)
                .hasMessageStartingWith("manifest.toml:4: invalid TOML");
        assertError(WEB + "s = \"bad \\r escape \\q\"\n", "ParseFailed");
        assertError("[service\n", "ParseFailed");
    }

    @Test
    void tomlBeyondTheOriginalsSubsetIsAccepted() {
        Manifest m = load("[service.web]\nimage = 'nginx'\ncommand = [\n  \"a\", # first\n\n  \"b\",\n]\n"
                + "cpu = 0.5\nhealth_check = { type = \"tcp\", port = 80 }\r\n");
        Service web = m.services().get(0);
        assertThat(web.common().image()).isEqualTo("nginx");
        assertThat(web.common().command()).containsExactly("a", "b");
        assertThat(web.cpuLimit()).isEqualTo(500);
        assertThat(web.healthCheck().port()).isEqualTo(80);
    }

    @Test
    void aTableOpenedTwiceIsJoinedAsTheOriginalDid() {
        String toml = "[service.web]\nimage = \"n\"\n[service.db]\nimage = \"p\"\n[service.web]\nrestart = \"always\"\n"
                + "[service.web.health_check]\ntype = \"tcp\"\nport = 80\n";
        Manifest m = load(toml);
        assertThat(m.services()).extracting(Service::name).containsExactly("web", "db");
        assertThat(m.services().get(0).restart()).isEqualTo("always");
        assertThat(Manifests.problems(toml)).extracting(p -> p.line() + " " + p.message()).containsExactly(
                "1 table [service.web] appears more than once; its parts are joined (TOML 1.0 forbids this: keep each table in one place)");
    }

    @Test
    void tableDepthIsCapped() {
        String deep63 = "[" + "a.".repeat(62) + "b]\nx = 1\n";
        assertThat(errors(WEB + deep63)).isEmpty();
        assertError(WEB + "[" + "a.".repeat(64) + "b]\nx = 1\n", "ParseFailed");
    }

    @Test
    void resourcesReplicasAndAlerts() {
        Service s = load(WEB + "replicas = 3\ncpu = 250\nmemory = \"1g\"\n[service.web.alerts]\ncpu_percent = 90.5\n"
                + "restart_count = 5\nwebhook = \"https://hooks.example.com/x\"\n").services().get(0);
        assertThat(s.replicas()).isEqualTo(3);
        assertThat(s.cpuLimit()).isEqualTo(250);
        assertThat(s.memoryLimitMb()).isEqualTo(1024);
        assertThat(s.alerts().cpuPercent()).isEqualTo(90.5);
        assertThat(s.alerts().consecutive()).isEqualTo(3);
        assertError(WEB + "replicas = 0\n", "InvalidResources");
        assertError(WEB + "replicas = 65\n", "InvalidResources");
        assertError(WEB + "[service.web.alerts]\ncpu_percent = 150\n", "InvalidAlerts");
        assertError(WEB + "[service.web.alerts]\nwebhook = \"ftp://x\"\n", "InvalidAlerts");
    }

    @Test
    void aManifestOverOneMebibyteIsRefused() {
        String big = WEB + "# " + "x".repeat(ManifestLoader.MAX_BYTES) + "\n";
        assertThatThrownBy(() -> load(big)).hasMessageContaining("1 MiB");
    }
}
