package dev.yoq.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AppSnapshotTest {

    @Test
    void aMinimalServiceHasTheSpecsKeysInOrder() {
        String json = AppSnapshot.json(Manifests.load("[service.web]\nimage = \"nginx:latest\"\n"));

        assertThat(json).isEqualTo("{\"app_name\":\"demo\",\"services\":[{\"name\":\"web\",\"image\":\"nginx:latest\","
                + "\"command\":[],\"ports\":[],\"env\":[],\"depends_on\":[],\"cpu_limit\":1000,\"memory_limit_mb\":256,"
                + "\"replicas\":1,\"volumes\":[],\"restart\":\"none\",\"rollout\":{\"strategy\":\"rolling\",\"parallelism\":1,"
                + "\"delay_between_batches\":0,\"failure_action\":\"rollback\",\"health_check_timeout\":0},"
                + "\"http_routes\":[]}],\"workers\":[],\"crons\":[],\"training_jobs\":[],\"volumes\":[]}");
        assertThat(AppSnapshot.hash(json)).matches("sha256:[0-9a-f]{64}");
    }

    @Test
    void reorderedTablesAndCommentsHashTheSame() {
        String a = "# one\n[service.web]\nimage = \"n\"\ndepends_on = [\"db\"]\n[service.db]\nimage = \"p\"\n[cron.c]\nimage = \"x\"\nevery = \"1h\"\n";
        String b = "[cron.c]\nevery = \"1h\"\nimage = \"x\"\n[service.db]\nimage = \"p\"  # the database\n[service.web]\n"
                + "depends_on = [\"db\"]\nimage = \"n\"\n";
        assertThat(AppSnapshot.hash(AppSnapshot.json(Manifests.load(a))))
                .isEqualTo(AppSnapshot.hash(AppSnapshot.json(Manifests.load(b))));
    }

    @Test
    void anyChangeOfMeaningChangesTheHash() {
        String a = AppSnapshot.json(Manifests.load("[service.web]\nimage = \"n\"\n"));
        String b = AppSnapshot.json(Manifests.load("[service.web]\nimage = \"n\"\nrestart = \"always\"\n"));
        assertThat(AppSnapshot.hash(a)).isNotEqualTo(AppSnapshot.hash(b));
    }

    @ParameterizedTest
    @MethodSource("dev.yoq.manifest.ExamplesTest#examples")
    void everyExampleRoundTripsByteForByte(String example) {
        Manifest m = ExamplesTest.load(example, Map.of()).manifest();
        String json = AppSnapshot.json(m);

        String again = AppSnapshot.json(SnapshotReader.read(json));

        assertThat(again).isEqualTo(json);
    }

    @Test
    void aSnapshotInTheOriginalsShapeIsAccepted() {
        String original = "{\"app_name\":\"shop\",\"services\":[{\"name\":\"web\",\"image\":\"nginx\",\"command\":[],"
                + "\"ports\":[{\"host_port\":80,\"container_port\":8080}],\"env\":[\"A=1\"],\"depends_on\":[],"
                + "\"cpu_limit\":1000,\"memory_limit_mb\":256,\"volumes\":[{\"source\":\"data\",\"target\":\"/d\",\"kind\":\"named\"}],"
                + "\"restart\":\"always\",\"rollout\":{\"strategy\":\"rolling\",\"parallelism\":1,\"delay_between_batches\":0,"
                + "\"failure_action\":\"rollback\",\"health_check_timeout\":0},"
                + "\"tls\":{\"domain\":\"a.com\",\"acme\":null},\"http_routes\":[]}],"
                + "\"workers\":[],\"crons\":[{\"name\":\"c\",\"image\":\"x\",\"command\":[],\"env\":[],\"volumes\":[],\"every\":60}],"
                + "\"training_jobs\":[]}";

        Manifest m = SnapshotReader.read(original);

        Manifest.Service web = m.services().get(0);
        assertThat(web.replicas()).isEqualTo(1);
        assertThat(web.common().volumes().get(0).readOnly()).isFalse();
        assertThat(web.tls().peer()).isEqualTo("off");
        assertThat(m.crons().get(0).every()).isEqualTo(60);
        assertThat(m.volumes()).isEmpty();
    }

    @Test
    void badSnapshotsAreRefusedNamingTheField() {
        String good = AppSnapshot.json(Manifests.load("[service.web]\nimage = \"n\"\nports = [\"80:80\"]\n"));

        assertThatThrownBy(() -> SnapshotReader.read(good.replace("\"host_port\":80", "\"host_port\":\"80\"")))
                .hasMessageContaining("services[0].ports[0].host_port: must be an integer, got a string");
        assertThatThrownBy(() -> SnapshotReader.read(good.replace("\"host_port\":80", "\"host_port\":0")))
                .hasMessageContaining("service.web.ports: '0:80': ports must be 1-65535");
        assertThatThrownBy(() -> SnapshotReader.read(good.replace("\"restart\":\"none\"", "\"restart\":\"none\",\"extra\":1")))
                .hasMessageContaining("services[0].extra: unknown field");
        assertThatThrownBy(() -> SnapshotReader.read(good.replace("\"image\":\"n\",", "")))
                .hasMessageContaining("services[0].image: required");
        assertThatThrownBy(() -> SnapshotReader.read("{not json")).hasMessageContaining("not JSON");
    }
}
