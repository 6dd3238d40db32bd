import dev.yoq.node.NodeClient;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.Limits;
import dev.yoq.node.protocol.PortMapping;
import dev.yoq.node.protocol.ServiceVip;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The VIP benchmark's node: three busybox httpd replicas (10.248.1.11-13), VIP 10.249.0.2 over the first only and
 * 10.249.0.3 over all three, and an idle client
 * container (10.248.1.50) whose network namespace wrk runs in. Args: socket rootfs; prints the client's id.
 * With "down" as the third argument: removes them all.
 */
public class Setup {
    static final String GW = "10.248.0.1";

    public static void main(String[] a) throws Exception {
        try (NodeClient helper = NodeClient.connect(Path.of(a[0]))) {
            if (a.length > 2 && a[2].equals("down")) {
                helper.setServices(List.of(), true);
                for (var c : helper.list()) {
                    if (c.running()) helper.stop(c.id(), 1000);
                    helper.remove(c.id());
                }
                return;
            }
            List<String> backends = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                String ip = "10.248.1." + (10 + i);
                helper.run(spec("b" + i + "b0b0b0b0b0a", "bench-web-" + i, a[1], ip,
                        "mkdir -p /tmp/w && echo hello > /tmp/w/index.html && exec httpd -f -p 80 -h /tmp/w"));
                backends.add(ip);
            }
            helper.run(spec("c0c0c0c0c0c0", "bench-client", a[1], "10.248.1.50", "exec sleep 100000"));
            // one VIP over replica 1 only (the dataplane's cost against the direct path to the same replica), one over all three
            helper.setServices(List.of(new ServiceVip("bench-one", List.of("one"), "10.249.0.2", List.of(), backends.subList(0, 1), backends.subList(0, 1)),
                    new ServiceVip("bench-web", List.of("web"), "10.249.0.3", List.of(new PortMapping("tcp", 18399, 80)), backends, backends)), true);
            System.out.println("c0c0c0c0c0c0");
        }
    }

    static ContainerSpec spec(String id, String name, String rootfs, String ip, String script) {
        return new ContainerSpec(id, name, List.of(rootfs), List.of("sh", "-c", script), List.of(), name, "/", null, Limits.DEFAULT, List.of(),
                true, false, new ContainerSpec.Net(ip + "/16", GW, List.of()));
    }
}
