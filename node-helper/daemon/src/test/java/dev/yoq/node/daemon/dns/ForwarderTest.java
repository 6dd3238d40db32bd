package dev.yoq.node.daemon.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where unknown names go: the host's first IPv4 nameserver, else 8.8.8.8 (spec §5). */
class ForwarderTest {
    @TempDir Path dir;

    @Test
    void the_first_ipv4_nameserver_of_resolv_conf_else_8_8_8_8() throws Exception {
        Path conf = dir.resolve("resolv.conf");
        Files.writeString(conf, "# comment\nsearch lan\nnameserver fd00::1\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n");
        assertThat(Forwarder.upstreamOf(conf).getAddress().getHostAddress()).isEqualTo("192.0.2.53");
        assertThat(Forwarder.upstreamOf(conf).getPort()).isEqualTo(53);
        Files.writeString(conf, "nameserver fd00::1\n");
        assertThat(Forwarder.upstreamOf(conf).getAddress().getHostAddress()).isEqualTo("8.8.8.8");
        assertThat(Forwarder.upstreamOf(dir.resolve("missing")).getAddress().getHostAddress()).isEqualTo("8.8.8.8");
    }
}
