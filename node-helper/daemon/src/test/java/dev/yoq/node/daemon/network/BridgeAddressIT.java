package dev.yoq.node.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.yoq.node.daemon.sys.Commands;
import dev.yoq.node.protocol.NodeNames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node given another subnet (a cluster node takes the one {@code yoq join} kept for it) keeps its bridge: the
 * helper moves the bridge's address to the new gateway on its first change. Bridge {@code yoqbrmv0} and the
 * 10.241.7.0/24 and 10.241.9.0/24 ranges are this test's own.
 */
class BridgeAddressIT {
    static final String BRIDGE = "yoqbrmv0";

    @AfterEach
    void removeBridge() throws Exception {
        Commands.exec(List.of("ip", "link", "del", BRIDGE), 10);
    }

    @Test
    void aBridgeOnTheOldSubnetIsMovedToTheNewGateway() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        removeBridge();
        assertThat(Commands.exec(List.of("ip", "link", "add", BRIDGE, "type", "bridge"), 10).exit()).isZero();
        assertThat(Commands.exec(List.of("ip", "addr", "add", "10.241.9.1/24", "dev", BRIDGE), 10).exit()).isZero();
        List<String> logged = new ArrayList<>();
        NodeNames names = new NodeNames(BRIDGE, "10.241.7.0/24", "yoq_brmv", "yoqbrmv-", "yoq_brmv", "10.250.7.0/24", "wgyoqbrmv");
        NetworkDriver driver = new NetworkDriver(new NetworkPlan(names), java.nio.file.Files.createTempDirectory("yoq-brmv"), logged::add);
        driver.ensureBridge();
        assertThat(OverlayConfig.addresses(Commands.exec(List.of("ip", "-4", "-o", "addr", "show", "dev", BRIDGE), 10).output()))
                .containsExactly("10.241.7.1/24");
        assertThat(logged).anySatisfy(l -> assertThat(l).contains("had [10.241.9.1/24]; set to 10.241.7.1/24"));
        // a second helper finds it right and changes nothing
        List<String> again = new ArrayList<>();
        new NetworkDriver(new NetworkPlan(names), java.nio.file.Files.createTempDirectory("yoq-brmv"), again::add).ensureBridge();
        assertThat(again).noneSatisfy(l -> assertThat(l).contains("set to"));
    }
}
