package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AgentWorkTest {
    static final String ME = "feedfacecafe";
    static final String OTHER = "0ddba11c0ffe";

    static AgentWork.Assignment a(String id, String status) {
        return new AgentWork.Assignment(id, status, "reg/web:1", "sleep 60", 250, 64, "web");
    }

    static AgentWork.Local mine(String containerId, String assignmentId, String status, Integer exit) {
        return mine(containerId, assignmentId, status, exit, 0);
    }

    static AgentWork.Local mine(String containerId, String assignmentId, String status, Integer exit, int restarts) {
        return new AgentWork.Local(containerId, "a" + assignmentId + "-" + ME + "-web", status, exit, restarts);
    }

    @Test
    void a_new_assignment_starts_a_container_named_after_it_and_this_agent_with_its_limits() {
        List<AgentWork.Action> plan = AgentWork.plan(List.of(a("0123456789ab", "pending")), List.of(), ME);
        assertThat(plan).containsExactly(new AgentWork.Start(a("0123456789ab", "pending"), "a0123456789ab-" + ME + "-web"));
        var body = AgentRunner.runBody((AgentWork.Start) plan.get(0));
        assertThat(body).containsEntry("target", "reg/web:1").containsEntry("command", List.of("/bin/sh", "-c", "sleep 60"))
                .containsEntry("memory_bytes", 64L << 20).containsEntry("cpus", 0.25).containsEntry("restart", "on-failure");
    }

    @Test
    void a_running_container_is_reported_once_a_crashing_one_only_after_its_restarts_and_an_ended_one_is_reported_and_removed() {
        var running = mine("c1", "0123456789ab", "running", null);
        assertThat(AgentWork.plan(List.of(a("0123456789ab", "pending")), List.of(running), ME))
                .containsExactly(new AgentWork.Report("0123456789ab", "running", null));
        assertThat(AgentWork.plan(List.of(a("0123456789ab", "running")), List.of(running), ME)).isEmpty();
        assertThat(AgentWork.plan(List.of(a("0123456789ab", "running")), List.of(mine("c1", "0123456789ab", "created", null)), ME))
                .as("still starting").isEmpty();
        assertThat(AgentWork.plan(List.of(a("0123456789ab", "running")), List.of(mine("c1", "0123456789ab", "failed", 3, 1)), ME))
                .as("the server restarts it: not a failure yet, and not removed").isEmpty();
        assertThat(AgentWork.plan(List.of(a("0123456789ab", "running")), List.of(mine("c1", "0123456789ab", "failed", 3, 3)), ME))
                .containsExactly(new AgentWork.Report("0123456789ab", "failed", "exited with code 3 after 3 restarts"));
        assertThat(AgentWork.plan(List.of(a("0123456789ab", "failed")), List.of(mine("c1", "0123456789ab", "failed", 3, 4)), ME))
                .as("once reported failed it goes").containsExactly(new AgentWork.Remove("c1", false));
        assertThat(AgentWork.plan(List.of(a("0123456789ab", "running")), List.of(mine("c1", "0123456789ab", "exited", 0)), ME))
                .containsExactly(new AgentWork.Report("0123456789ab", "stopped", "exited with code 0"), new AgentWork.Remove("c1", false));
        assertThat(AgentWork.plan(List.of(a("0123456789ab", "running")), List.of(mine("c1", "0123456789ab", "stopped", 137)), ME))
                .startsWith(new AgentWork.Report("0123456789ab", "stopped", "stopped on the node"));
    }

    static AgentWork.Assignment run(String id, String status) {
        return new AgentWork.Assignment(id, status, "reg/tools:1", "migrate", 1000, 256, "web", AgentWork.Details.NONE, true);
    }

    @Test
    void a_worker_run_starts_once_without_restarts_reports_its_exit_and_keeps_its_container_until_the_run_is_off_record() {
        List<AgentWork.Action> start = AgentWork.plan(List.of(run("0123456789ab", "pending")), List.of(), ME);
        assertThat(start).containsExactly(new AgentWork.Start(run("0123456789ab", "pending"), "a0123456789ab-" + ME + "-web"));
        assertThat(AgentRunner.runBody((AgentWork.Start) start.get(0))).containsEntry("restart", "no");

        assertThat(AgentWork.plan(List.of(run("0123456789ab", "pending")), List.of(mine("c1", "0123456789ab", "running", null)), ME))
                .containsExactly(new AgentWork.Report("0123456789ab", "running", null));
        assertThat(AgentWork.plan(List.of(run("0123456789ab", "running")), List.of(mine("c1", "0123456789ab", "exited", 0)), ME))
                .as("done: reported, container kept for its logs").containsExactly(new AgentWork.Report("0123456789ab", "stopped", "exited with code 0"));
        assertThat(AgentWork.plan(List.of(run("0123456789ab", "running")), List.of(mine("c1", "0123456789ab", "failed", 3)), ME))
                .as("a failure at once: nothing restarts a run").containsExactly(new AgentWork.Report("0123456789ab", "failed", "exited with code 3"));
        assertThat(AgentWork.plan(List.of(run("0123456789ab", "running")), List.of(mine("c1", "0123456789ab", "failed", 0)), ME))
                .as("failed with code 0: killed, not a success").containsExactly(new AgentWork.Report("0123456789ab", "failed",
                        "the container was killed (out of memory or a signal)"));
        assertThat(AgentWork.plan(List.of(run("0123456789ab", "running")), List.of(mine("c1", "0123456789ab", "stopped", 137)), ME))
                .containsExactly(new AgentWork.Report("0123456789ab", "failed", "stopped on the node before it ended"));
        assertThat(AgentWork.plan(List.of(run("0123456789ab", "stopped")), List.of(mine("c1", "0123456789ab", "exited", 0)), ME))
                .as("an ended run on record keeps its container").isEmpty();
        assertThat(AgentWork.plan(List.of(), List.of(mine("c1", "0123456789ab", "exited", 0)), ME))
                .as("off record: removed").containsExactly(new AgentWork.Remove("c1", false));
        assertThat(AgentWork.plan(List.of(run("0123456789ab", "running")), List.of(), ME))
                .as("a run whose container vanished is not started twice")
                .containsExactly(new AgentWork.Report("0123456789ab", "failed", "its container is gone from the node"));
    }

    @Test
    void a_checked_replica_is_reported_running_only_once_its_check_passed_and_failed_once_it_failed_its_retries() {
        var check = new dev.yoq.manifest.Manifest.HealthCheck("exec", null, null, null, List.of("test", "-f", "/tmp/ready"), 1, 1, 2, 0);
        var checked = new AgentWork.Assignment("0123456789ab", "pending", "reg/web:1", "sleep 60", 250, 64, "web",
                new AgentWork.Details(List.of("GREETING=hi"), List.of(), List.of("NET_RAW"), false, check));
        String name = "a0123456789ab-" + ME + "-web";
        assertThat(AgentWork.plan(List.of(checked), List.of(new AgentWork.Local("c1", name, "running", null, 0, "starting")), ME))
                .as("running but not yet healthy: no report").isEmpty();
        assertThat(AgentWork.plan(List.of(checked), List.of(new AgentWork.Local("c1", name, "running", null, 0, "healthy")), ME))
                .containsExactly(new AgentWork.Report("0123456789ab", "running", null));
        assertThat(AgentWork.plan(List.of(checked), List.of(new AgentWork.Local("c1", name, "running", null, 0, "unhealthy")), ME))
                .containsExactly(new AgentWork.Report("0123456789ab", "failed", "health check failed 2 times in a row"));

        var body = AgentRunner.runBody(new AgentWork.Start(checked, name));
        assertThat(body).containsEntry("env", List.of("GREETING=hi")).containsEntry("cap_drop", List.of("NET_RAW"))
                .doesNotContainKeys("cap_add", "user_namespace");
    }

    @Test
    void an_assignments_details_are_read_from_the_servers_json_and_absent_ones_mean_none() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        AgentWork.Details d = AgentRunner.details(json.readTree("{\"id\":\"x\",\"env\":[\"A=1\",\"B=2\"],\"user_namespace\":true,"
                + "\"health_check\":{\"kind\":\"http\",\"path\":\"/health\",\"port\":8080,\"interval\":2,\"timeout\":1,\"retries\":4,\"start_period\":3}}"));
        assertThat(d.env()).containsExactly("A=1", "B=2");
        assertThat(d.userNamespace()).isTrue();
        assertThat(d.healthCheck()).isEqualTo(new dev.yoq.manifest.Manifest.HealthCheck("http", "/health", 8080, null, null, 2, 1, 4, 3));
        assertThat(AgentRunner.details(json.readTree("{\"id\":\"x\"}"))).isEqualTo(AgentWork.Details.NONE);
    }

    @Test
    void named_volumes_come_with_the_apps_name_and_their_declaration_and_go_into_the_container_as_the_node_readied_them() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        AgentWork.Details d = AgentRunner.details(json.readTree("{\"id\":\"x\",\"app_name\":\"shop\",\"volumes\":["
                + "{\"name\":\"data\",\"target\":\"/data\",\"driver\":\"local\"},"
                + "{\"name\":\"nas\",\"target\":\"/n\",\"driver\":\"nfs\",\"server\":\"10.0.0.9\",\"path\":\"/export\",\"read_only\":true}]}"));
        assertThat(d.volumes()).containsExactly(new AgentWork.Volume("shop", "data", "/data", "local", null, null, null, false),
                new AgentWork.Volume("shop", "nas", "/n", "nfs", "/export", "10.0.0.9", null, true));
        var a = new AgentWork.Assignment("0123456789ab", "pending", "reg/db:1", "", 250, 64, "db", d);
        var body = AgentRunner.runBody(new AgentWork.Start(a, "a0123456789ab-" + ME + "-db"),
                List.of(java.util.Map.of("source", "/data/volumes/shop/data", "target", "/data", "read_only", false)));
        assertThat(body).containsEntry("volumes", List.of(java.util.Map.of("source", "/data/volumes/shop/data", "target", "/data", "read_only", false)));
        assertThat(AgentRunner.runBody(new AgentWork.Start(a, "n"))).doesNotContainKey("volumes");
    }

    @Test
    void after_registering_again_the_former_ids_containers_are_removed() {
        var old = new AgentWork.Local("o1", "a0123456789ab-" + OTHER + "-web", "running", null, 0);
        assertThat(AgentWork.plan(List.of(), List.of(old), ME, java.util.Set.of(OTHER))).containsExactly(new AgentWork.Remove("o1", true));
    }

    @Test
    void containers_of_assignments_gone_or_finished_are_removed_and_other_containers_are_left_alone() {
        List<AgentWork.Local> local = List.of(mine("c1", "0123456789ab", "running", null), mine("c2", "111111111111", "stopped", 0),
                new AgentWork.Local("o1", "a222222222222-" + OTHER + "-web", "running", null, 0),
                new AgentWork.Local("u1", "my-own", "running", null, 0), new AgentWork.Local("u2", null, "running", null, 0),
                new AgentWork.Local("u3", "a0123-web", "running", null, 0));
        assertThat(AgentWork.plan(List.of(a("111111111111", "failed")), local, ME))
                .containsExactlyInAnyOrder(new AgentWork.Remove("c1", true), new AgentWork.Remove("c2", false));
    }

    @Test
    void another_agents_container_for_the_same_assignment_is_not_taken_over() {
        var theirs = new AgentWork.Local("o1", "a0123456789ab-" + OTHER + "-web", "running", null, 0);
        assertThat(AgentWork.plan(List.of(a("0123456789ab", "pending")), List.of(theirs), ME))
                .containsExactly(new AgentWork.Start(a("0123456789ab", "pending"), "a0123456789ab-" + ME + "-web"));
    }

    @Test
    void a_long_workload_name_is_cut_to_a_valid_container_name() {
        String name = AgentWork.containerName(new AgentWork.Assignment("0123456789ab", "pending", "i", "", 1, 1, "w".repeat(36) + "-x" + "y".repeat(20)), ME);
        assertThat(name).hasSizeLessThanOrEqualTo(63).startsWith("a0123456789ab-" + ME + "-").doesNotEndWith("-");
        assertThat(AgentWork.assignmentOf(name, ME)).isEqualTo("0123456789ab");
        assertThat(AgentWork.assignmentOf(name, OTHER)).isNull();
    }
}
