package dev.yoq.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Registries a token holder may not point the server at: metadata (link-local) and the server's own port. */
class RegistryTargetsTest {
    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void link_local_and_the_servers_own_port_are_refused_unless_allowed() throws Exception {
        assertThat(RegistryTargets.refusal("169.254.169.254", List.of(ip("169.254.169.254")), Set.of(7700), a -> false, Set.of()))
                .hasValueSatisfying(m -> assertThat(m).contains("link-local address 169.254.169.254").contains("yoq.registries.allow"));
        assertThat(RegistryTargets.refusal("metadata:80", List.of(ip("fe80::1")), Set.of(7700), a -> false, Set.of())).isPresent();
        assertThat(RegistryTargets.refusal("127.0.0.1:7700", List.of(ip("127.0.0.1")), Set.of(7700), a -> false, Set.of()))
                .hasValue("registry 127.0.0.1:7700 is this yoq server's own port 7700, not a registry");
        assertThat(RegistryTargets.refusal("myhost:7700", List.of(ip("10.1.2.3")), Set.of(7700), a -> true, Set.of())).isPresent();
        assertThat(RegistryTargets.refusal("127.0.0.1:5000", List.of(ip("127.0.0.1")), Set.of(7700), a -> false, Set.of())).isEmpty();
        assertThat(RegistryTargets.refusal("10.1.2.3:7700", List.of(ip("10.1.2.3")), Set.of(7700), a -> false, Set.of())).as("another machine").isEmpty();
        assertThat(RegistryTargets.refusal("169.254.1.1:5000", List.of(ip("169.254.1.1")), Set.of(7700), a -> false, Set.of("169.254.1.1:5000"))).isEmpty();
    }

    @Test
    void a_login_registry_is_host_and_port_with_a_scheme_taken_off() {
        assertThat(RegistryTargets.normalize("https://registry.example.com/")).isEqualTo("registry.example.com");
        assertThat(RegistryTargets.normalize("127.0.0.1:5000")).isEqualTo("127.0.0.1:5000");
        assertThat(RegistryTargets.normalize("[::1]:5000")).isEqualTo("[::1]:5000");
        assertThatThrownBy(() -> RegistryTargets.normalize("registry.example.com/v2/x")).hasMessageStartingWith("registry: must be a host[:port]");
        assertThatThrownBy(() -> RegistryTargets.normalize("a b")).hasMessageContaining("got a b");
        assertThat(RegistryTargets.host("[::1]:5000")).isEqualTo("::1");
        assertThat(RegistryTargets.port("reg:5000")).isEqualTo(5000);
        assertThat(RegistryTargets.port("reg")).isEqualTo(443);
    }
}
