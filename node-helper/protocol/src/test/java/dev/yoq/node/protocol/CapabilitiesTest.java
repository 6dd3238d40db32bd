package dev.yoq.node.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {
    @Test
    void the_default_set_is_the_runtime_issues_and_matches_yoq_init_s_old_constant() {
        assertThat(Capabilities.of(List.of(), List.of())).isEqualTo(Capabilities.DEFAULT).isEqualTo(0x24e3L);
    }

    @Test
    void adds_and_drops_change_the_mask_names_in_any_spelling() {
        long m = Capabilities.of(List.of("net_admin", "CAP_SYS_CHROOT"), List.of("NET_RAW"));
        assertThat(m & (1L << 12)).as("NET_ADMIN").isNotZero();
        assertThat(m & (1L << 18)).as("SYS_CHROOT").isNotZero();
        assertThat(m & (1L << 13)).as("NET_RAW dropped").isZero();
        assertThat(Capabilities.of(List.of(), List.of("ALL"))).isZero();
        assertThat(Capabilities.of(List.of("NET_ADMIN"), List.of("all"))).as("drop wins").isZero();
    }

    @Test
    void capabilities_that_reach_the_host_are_refused_by_name() {
        assertThatThrownBy(() -> Capabilities.of(List.of("SYS_ADMIN", "sys_module", "DAC_READ_SEARCH", "BPF", "NOPE"), List.of("BOGUS")))
                .hasMessageContaining("cap_add: SYS_ADMIN reaches the host kernel and is not allowed")
                .hasMessageContaining("cap_add: SYS_MODULE reaches the host kernel")
                .hasMessageContaining("cap_add: DAC_READ_SEARCH reaches the host kernel")
                .hasMessageContaining("cap_add: BPF reaches")
                .hasMessageContaining("cap_add: unknown capability NOPE")
                .hasMessageContaining("cap_drop: unknown capability BOGUS");
        assertThat(Capabilities.allowed(Capabilities.ADDABLE)).isTrue();
        assertThat(Capabilities.allowed(1L << 21)).as("SYS_ADMIN").isFalse();
    }
}
