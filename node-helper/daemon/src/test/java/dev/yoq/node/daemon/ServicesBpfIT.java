package dev.yoq.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** {@link ServicesIT} on the eBPF dataplane, and the programs re-adopted across a helper restart. */
class ServicesBpfIT extends ServicesIT {
    @BeforeAll
    static void up() throws Exception {
        start("bpf");
    }

    @Override
    String mode() { return "bpf"; }

    @Override
    int selfCallFailuresTolerated() {
        return 2;   // a known problem, not understood yet: docs/services.md
    }

    @Test
    @Order(7)
    void the_programs_are_pinned_and_readopted_across_a_helper_restart() throws Exception {
        JsonNode before = client.dataplane();
        int id = before.path("programs").get(0).path("id").asInt();
        String name = before.path("programs").get(0).path("name").asText();
        assertThat(NetworkIT.sh("bpftool prog show pinned /sys/fs/bpf/" + PLAN.table + "/" + name)).startsWith(id + ":");
        client.close();
        helper.close();
        helper = new HelperProcess(helper.dir, "bpf").start();
        client = helper.client();
        JsonNode after = client.dataplane();
        assertThat(after.path("adopted").asBoolean()).isTrue();
        assertThat(after.path("programs").get(0).path("id").asInt()).isEqualTo(id);
        Map<String, Integer> seen = count(fromClient("for i in $(seq 1 20); do timeout 5 wget -q -O - http://" + VIP + "/ || echo FAIL; done"));
        assertThat(seen).as("the VIP works before the server sent anything: the table came from the helper's file").doesNotContainKey("FAIL");
    }

    @Test
    @Order(8)
    void a_node_switched_to_nftables_takes_the_programs_off_its_veths_and_still_serves_the_vip() throws Exception {
        client.close();
        helper.close();
        helper = new HelperProcess(helper.dir, "nftables").start();
        client = helper.client();
        assertThat(client.dataplane().path("mode").asText()).isEqualTo("nftables");
        String veth = dev.yoq.node.daemon.network.NetworkPlan.hostVeth(ids.get(2));
        assertThat(NetworkIT.sh("tc filter show dev " + veth + " ingress")).as("no program left translating").isBlank();
        assertThat(java.nio.file.Files.exists(java.nio.file.Path.of("/sys/fs/bpf/" + PLAN.table))).isFalse();
        Map<String, Integer> seen = count(fromClient("for i in $(seq 1 20); do timeout 5 wget -q -O - http://" + VIP + "/ || echo FAIL; done"));
        assertThat(seen).doesNotContainKey("FAIL");
    }
}
