package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.model.ContainerRecord;
import dev.yoq.model.IpAllocation;
import dev.yoq.node.protocol.PortMapping;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bridge leases and published ports, taken and released by the container commands, against real SQLite. */
class NetworkLeasesTest extends BusTestBase {
    void create(String id, String name, List<PortMapping> ports) {
        bus.submit(new Command.CreateContainer(id, name, "/rootfs", null, "httpd", "c", "{}", "no", true, ports, 1_000));
    }

    String ip(String id) { return db.inNewTransaction(em -> em.find(ContainerRecord.class, id)).getIpAddress(); }

    long leases() { return db.inNewTransaction(em -> em.createQuery("SELECT COUNT(a) FROM IpAllocation a", Long.class).getSingleResult()); }

    @Test
    void leases_are_the_lowest_free_address_and_come_back_when_the_container_goes() {
        create("aaaaaaaaaaa1", null, List.of());
        create("aaaaaaaaaaa2", null, List.of());
        create("aaaaaaaaaaa3", null, List.of());
        assertThat(List.of(ip("aaaaaaaaaaa1"), ip("aaaaaaaaaaa2"), ip("aaaaaaaaaaa3"))).containsExactly("10.42.0.2", "10.42.0.3", "10.42.0.4");
        bus.submit(new Command.RemoveContainer("aaaaaaaaaaa2"));
        assertThat(leases()).isEqualTo(2);
        create("aaaaaaaaaaa4", null, List.of());
        assertThat(ip("aaaaaaaaaaa4")).as("the released address is the next one given").isEqualTo("10.42.0.3");
        bus.submit(new Command.CreateContainer("aaaaaaaaaaa5", null, "/rootfs", null, "true", "c", "{}", "no", false, List.of(), 1_000));
        assertThat(ip("aaaaaaaaaaa5")).as("--no-net takes no address").isNull();
        assertThat(leases()).isEqualTo(3);
    }

    /** The lease is taken in the same transaction as the container row: a crash leaves both or neither. */
    @Test
    void a_crash_after_allocation_leaves_a_lease_owned_by_a_container_row_and_nothing_doubled() throws Exception {
        create("bbbbbbbbbbb1", "web", List.of(new PortMapping("tcp", 18080, 80)));
        db.close();   // the server dies here, before the helper ever heard of the container
        db = new SqliteFixture(dir);
        bus = new CommandBus(new StateMachine(), db);
        assertThat(db.inNewTransaction(em -> em.find(IpAllocation.class, "bbbbbbbbbbb1")).getIpAddress()).isEqualTo("10.42.0.2");
        create("bbbbbbbbbbb2", null, List.of());
        assertThat(ip("bbbbbbbbbbb2")).isEqualTo("10.42.0.3");
        bus.submit(new Command.RemoveContainer("bbbbbbbbbbb1"));
        create("bbbbbbbbbbb3", null, List.of(new PortMapping("tcp", 18080, 8080)));
        assertThat(ip("bbbbbbbbbbb3")).isEqualTo("10.42.0.2");
        assertThat(leases()).isEqualTo(2);
    }

    @Test
    void a_taken_host_port_is_refused_naming_its_owner_and_nothing_is_kept() {
        create("ccccccccccc1", "web", List.of(new PortMapping("tcp", 18080, 80), new PortMapping("udp", 18080, 53)));
        assertThatThrownBy(() -> create("ccccccccccc2", "api", List.of(new PortMapping("tcp", 18080, 80))))
                .hasMessage("ports: host port 18080/tcp is already published by container web (ccccccccccc1)");
        ContainerRecord refused = db.inNewTransaction(em -> em.find(ContainerRecord.class, "ccccccccccc2"));
        assertThat(refused).as("refused: no row, no lease").isNull();
        assertThat(leases()).isEqualTo(1);
        assertThatThrownBy(() -> create("ccccccccccc3", null, List.of(new PortMapping("tcp", 9000, 80), new PortMapping("tcp", 9000, 81))))
                .hasMessageContaining("host port 9000/tcp is given twice");
        assertThatThrownBy(() -> bus.submit(new Command.CreateContainer("ccccccccccc4", null, "/r", null, "true", "c", "{}", "no", false,
                List.of(new PortMapping("tcp", 9001, 80)), 1_000))).hasMessageContaining("--no-net");
        bus.submit(new Command.RemoveContainer("ccccccccccc1"));
        create("ccccccccccc5", null, List.of(new PortMapping("tcp", 18080, 80)));   // free again
    }
}
