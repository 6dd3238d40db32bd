import dev.yoq.node.NodeClient;
import dev.yoq.node.protocol.ContainerSpec;
import dev.yoq.node.protocol.Limits;
import java.nio.file.Path;
import java.util.List;

/** Creates (never starts) a networked container named NAME at ADDRESS, so the helper's resolver knows the name. Args: socket rootfs name address */
public class Named {
    public static void main(String[] a) throws Exception {
        try (NodeClient helper = NodeClient.connect(Path.of(a[0]))) {
            helper.create(new ContainerSpec("b0b0b0b0b0b0", a[2], List.of(a[1]), List.of("/bin/true"), List.of(), a[2], "/", null,
                    Limits.DEFAULT, List.of(), true, false, new ContainerSpec.Net(a[3] + "/16", "10.42.0.1", List.of())));
        }
    }
}
