package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssignmentTransitionsTest {
    @TempDir Path dir;
    SqliteFixture db;
    final StateMachine machine = new StateMachine();

    @BeforeEach
    void open() throws Exception {
        db = new SqliteFixture(dir);
        apply(AgentTransitionsTest.agent("aaaaaaaaaaaa", "10.0.0.5", null));
        apply(AgentTransitionsTest.agent("bbbbbbbbbbbb", "10.0.0.6", null));
    }

    @AfterEach
    void close() { db.close(); }

    <R> R apply(Command<R> c) { return db.inNewTransaction(em -> machine.apply(c, em)); }

    static Command.NewAssignment fresh(String id, String agent, String reason) {
        return new Command.NewAssignment(id, agent, "reg/web:1", "sleep 1", 100, 64, "shop", "service", "web", "r1", null, reason, "", "{}");
    }

    @Test
    void a_pass_inserts_new_work_places_waiting_work_and_records_why_the_rest_waits() throws Exception {
        assertThat(apply(new Command.PlaceAssignments(List.of(fresh("w1", "aaaaaaaaaaaa", null), fresh("w2", "", "unschedulable: full"),
                fresh("w3", "", null)), List.of(), Map.of(), 5_000))).isEqualTo(3);
        assertThat(db.count("SELECT count(*) FROM assignments WHERE status = 'pending' AND release_id = 'r1' AND created_at = 5000")).isEqualTo(3);
        apply(new Command.PlaceAssignments(List.of(), List.of(new Command.Placement("w2", "bbbbbbbbbbbb")), Map.of("w3", "unschedulable: x"), 6_000));
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'w2' AND agent_id = 'bbbbbbbbbbbb' AND status_reason IS NULL")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'w3' AND agent_id = '' AND status_reason = 'unschedulable: x'")).isEqualTo(1);
    }

    @Test
    void work_whose_id_is_on_record_is_not_inserted_again_so_a_cron_slot_keeps_its_first_run() throws Exception {
        apply(new Command.PlaceAssignments(List.of(fresh("slot1", "aaaaaaaaaaaa", null)), List.of(), Map.of(), 5_000));
        apply(new Command.ReportAssignment("aaaaaaaaaaaa", "slot1", "stopped", "exited with code 0"));
        int changed = apply(new Command.PlaceAssignments(List.of(fresh("slot1", "bbbbbbbbbbbb", null), fresh("slot2", "bbbbbbbbbbbb", null)),
                List.of(), Map.of(), 6_000));
        assertThat(changed).as("only the new slot").isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'slot1' AND agent_id = 'aaaaaaaaaaaa' AND status = 'stopped' "
                + "AND created_at = 5000")).isEqualTo(1);
    }

    @Test
    void a_run_decided_before_its_app_went_down_is_not_recorded_but_a_replica_is_placed_as_before() throws Exception {
        apply(new Command.MarkAppDown("shop", 4_000));
        var cronRun = new Command.NewAssignment("c1", "aaaaaaaaaaaa", "reg/t:1", "tick", 1000, 256, "shop", "cron", "tick", "r1", null, null, "", "{}");
        int changed = apply(new Command.PlaceAssignments(List.of(cronRun, fresh("w1", "aaaaaaaaaaaa", null)), List.of(), Map.of(), 5_000));
        assertThat(changed).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'c1'")).isZero();
    }

    @Test
    void a_placement_decided_on_an_older_view_is_dropped() throws Exception {
        apply(new Command.PlaceAssignments(List.of(fresh("w1", "aaaaaaaaaaaa", null), fresh("w2", "", null)), List.of(), Map.of(), 5_000));
        apply(new Command.DrainAgent("bbbbbbbbbbbb", "t", 5_500));
        int changed = apply(new Command.PlaceAssignments(List.of(), List.of(new Command.Placement("w1", "bbbbbbbbbbbb"),
                new Command.Placement("w2", "bbbbbbbbbbbb")), Map.of(), 6_000));
        assertThat(changed).as("w1 is placed already; b is draining now").isZero();
        assertThat(db.count("SELECT count(*) FROM assignments WHERE agent_id = 'bbbbbbbbbbbb'")).isZero();
    }

    @Test
    void an_agent_reports_only_on_its_own_assignments_with_a_known_status() throws Exception {
        apply(new Command.PlaceAssignments(List.of(fresh("w1", "aaaaaaaaaaaa", null)), List.of(), Map.of(), 5_000));
        assertThat(apply(new Command.ReportAssignment("aaaaaaaaaaaa", "w1", "running", null))).isEqualTo("running");
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'w1' AND status = 'running'")).isEqualTo(1);
        assertThatThrownBy(() -> apply(new Command.ReportAssignment("bbbbbbbbbbbb", "w1", "failed", "x")))
                .isInstanceOf(CommandRejectedException.class).hasMessage("agent bbbbbbbbbbbb has no assignment w1");
        assertThatThrownBy(() -> apply(new Command.ReportAssignment("aaaaaaaaaaaa", "w1", "pending", null)))
                .isInstanceOf(CommandRejectedException.class).hasMessage("invalid status value");
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'w1' AND status = 'running'")).as("nothing written").isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'w1' AND finished_at IS NULL")).as("running: no finish").isEqualTo(1);
        apply(new Command.ReportAssignment("aaaaaaaaaaaa", "w1", "failed", "exited with code 2", 9_000L));
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'w1' AND status = 'failed' AND status_reason = 'exited with code 2' "
                + "AND finished_at = 9000")).as("the report's time is the run's finish").isEqualTo(1);
        assertThat(apply(new Command.RemoveAssignments(List.of("w1", "nope")))).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM assignments")).isZero();
    }

    @Test
    void a_replacement_decided_on_an_older_view_is_dropped_and_work_for_an_agent_no_longer_active_waits_unplaced() throws Exception {
        apply(new Command.PlaceAssignments(List.of(fresh("w1", "aaaaaaaaaaaa", null)), List.of(), Map.of(), 5_000));
        Command.NewAssignment first = new Command.NewAssignment("x1", "bbbbbbbbbbbb", "reg/web:1", "", 100, 64, "shop", "service", "web", "r1", "w1", null, "", "{}");
        Command.NewAssignment second = new Command.NewAssignment("x2", "bbbbbbbbbbbb", "reg/web:1", "", 100, 64, "shop", "service", "web", "r1", "w1", null, "", "{}");
        Command.NewAssignment orphan = new Command.NewAssignment("x3", "bbbbbbbbbbbb", "reg/web:1", "", 100, 64, "shop", "service", "web", "r1", "gone", null, "", "{}");
        assertThat(apply(new Command.PlaceAssignments(List.of(first, second, orphan), List.of(), Map.of(), 6_000)))
                .as("one replacement per original, none for a removed one").isEqualTo(1);
        apply(new Command.DrainAgent("bbbbbbbbbbbb", "t", 6_500));
        apply(new Command.PlaceAssignments(List.of(fresh("w2", "bbbbbbbbbbbb", null)), List.of(), Map.of(), 7_000));
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'w2' AND agent_id = '' AND status = 'pending' "
                + "AND status_reason = 'agent bbbbbbbbbbbb is no longer active'")).isEqualTo(1);
    }

    static Command.NewAssignment replica(String id, String workload) {
        return new Command.NewAssignment(id, "aaaaaaaaaaaa", "reg/web:1", "", 100, 64, "shop", "service", workload, "r1", null, null, "", "{}");
    }

    @Test
    void a_service_gets_a_cluster_vip_from_the_top_of_the_range_with_its_first_replica_and_gives_it_back_with_its_last() throws Exception {
        var worker = new Command.NewAssignment("k1", "aaaaaaaaaaaa", "reg/t:1", "tick", 1000, 256, "shop", "worker", "migrate", "r1", null, null, "", "{}");
        apply(new Command.PlaceAssignments(List.of(replica("w1", "web"), replica("w2", "web"), worker), List.of(), Map.of(), 5_000));
        apply(new Command.PlaceAssignments(List.of(replica("a1", "api")), List.of(), Map.of(), 5_100));
        assertThat(db.count("SELECT count(*) FROM cluster_services")).as("a worker has no VIP").isEqualTo(2);
        assertThat(db.count("SELECT count(*) FROM cluster_services WHERE name = 'shop-web' AND vip_address = '10.43.255.254' AND created_at = 5000")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM cluster_services WHERE name = 'shop-api' AND vip_address = '10.43.255.253'")).isEqualTo(1);

        apply(new Command.RemoveAssignments(List.of("w1")));
        assertThat(db.count("SELECT count(*) FROM cluster_services WHERE name = 'shop-web'")).as("one replica left").isEqualTo(1);
        apply(new Command.RemoveAssignments(List.of("w2")));
        assertThat(db.count("SELECT count(*) FROM cluster_services WHERE name = 'shop-web'")).isZero();
        apply(new Command.PlaceAssignments(List.of(replica("v1", "view")), List.of(), Map.of(), 6_000));
        assertThat(db.count("SELECT count(*) FROM cluster_services WHERE name = 'shop-view' AND vip_address = '10.43.255.254'")).as("given back")
                .isEqualTo(1);
    }

    @Test
    void an_agent_without_the_overlay_reports_no_vip_backend_and_a_move_forgets_an_address() throws Exception {
        apply(new Command.PlaceAssignments(List.of(replica("w1", "web")), List.of(), Map.of(), 5_000));
        apply(new Command.ReportAssignment("aaaaaaaaaaaa", "w1", "running", null, 5_500L, "10.42.2.7"));
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'w1' AND status = 'running' AND ip_address IS NULL"))
                .as("an agent without the overlay: its replicas are in no VIP").isEqualTo(1);
        assertThatThrownBy(() -> apply(new Command.ReportAssignment("aaaaaaaaaaaa", "w1", "running", null, 6_100L, "10.42.2.300")))
                .isInstanceOf(CommandRejectedException.class).hasMessageContaining("invalid ip 10.42.2.300");
        db.inNewTransaction(em -> em.createNativeQuery("UPDATE assignments SET ip_address = '10.42.2.7' WHERE id = 'w1'").executeUpdate());
        apply(new Command.MarkAgentsOffline(List.of("aaaaaaaaaaaa"), Long.MAX_VALUE, 7_000));
        apply(new Command.PlaceAssignments(List.of(), List.of(new Command.Placement("w1", "bbbbbbbbbbbb")), Map.of(), 8_000));
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'w1' AND agent_id = 'bbbbbbbbbbbb' AND ip_address IS NULL"))
                .as("moved: the old address is forgotten").isEqualTo(1);
    }

    @Test
    void only_an_address_of_the_agents_own_container_subnet_is_recorded() throws Exception {
        apply(AgentTransitionsTest.agent("cccccccccccc", "10.0.0.7", AgentTransitionsTest.KEY));
        String subnet = (String) db.inNewTransaction(em -> em.createNativeQuery("SELECT container_subnet FROM wireguard_peers WHERE agent_id = 'cccccccccccc'")
                .getSingleResult());
        String base = subnet.substring(0, subnet.lastIndexOf('.'));
        var replica = new Command.NewAssignment("c1", "cccccccccccc", "reg/web:1", "", 100, 64, "shop", "service", "web", "r1", null, null, "", "{}");
        apply(new Command.PlaceAssignments(List.of(replica), List.of(), Map.of(), 5_000));
        apply(new Command.ReportAssignment("cccccccccccc", "c1", "running", null, 5_500L, base + ".9"));
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'c1' AND ip_address = '" + base + ".9'")).isEqualTo(1);
        apply(new Command.ReportAssignment("cccccccccccc", "c1", "failed", "health check failed once", 5_600L));
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'c1' AND ip_address = '" + base + ".9'")).as("kept without a new one")
                .isEqualTo(1);
        // a VIP, another node's subnet, the gateway, the broadcast address: never a backend of every node's VIP
        for (String elsewhere : List.of("10.43.0.1", "10.42.250.9", base + ".1", base + ".255")) {
            apply(new Command.ReportAssignment("cccccccccccc", "c1", "running", null, 5_700L, elsewhere));
            assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'c1' AND status = 'running' AND ip_address IS NULL")).as(elsewhere)
                    .isEqualTo(1);
        }
    }

    static Command.NewAssignment mounting(String id, String agent) {
        return new Command.NewAssignment(id, agent, "reg/db:1", "", 100, 64, "shop", "service", "db", "r1", null, null, "",
                "{\"volumes\":[{\"name\":\"data\",\"target\":\"/data\",\"driver\":\"local\"}]}");
    }

    @Test
    void the_first_agent_given_work_mounting_a_local_volume_holds_it_and_work_for_another_agent_waits_instead() throws Exception {
        apply(new Command.PlaceAssignments(List.of(mounting("d1", "aaaaaaaaaaaa"), mounting("d2", "bbbbbbbbbbbb"), mounting("d3", "")),
                List.of(), Map.of(), 5_000));
        assertThat(db.count("SELECT count(*) FROM cluster_volumes WHERE app_name = 'shop' AND name = 'data' AND agent_id = 'aaaaaaaaaaaa' "
                + "AND created_at = 5000")).isEqualTo(1);
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'd2' AND agent_id = '' "
                + "AND status_reason = 'unschedulable: volume data is on agent aaaaaaaaaaaa'")).as("decided on an older view").isEqualTo(1);
        apply(new Command.PlaceAssignments(List.of(), List.of(new Command.Placement("d3", "bbbbbbbbbbbb")), Map.of(), 6_000));
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'd3' AND agent_id = ''")).isEqualTo(1);
        apply(new Command.PlaceAssignments(List.of(), List.of(new Command.Placement("d3", "aaaaaaaaaaaa")), Map.of(), 7_000));
        assertThat(db.count("SELECT count(*) FROM assignments WHERE id = 'd3' AND agent_id = 'aaaaaaaaaaaa'")).isEqualTo(1);

        apply(new Command.RemoveAssignments(List.of("d1", "d2", "d3")));   // the app went down: its data is still on a's node
        assertThat(db.count("SELECT count(*) FROM cluster_volumes")).isEqualTo(1);
    }
}
