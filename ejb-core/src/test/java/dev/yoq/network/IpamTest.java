package dev.yoq.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpamTest {
    @Test
    void the_lowest_free_address_of_the_bridge_range() {
        assertThat(Ipam.lowestFree(List.of())).isEqualTo("10.42.0.2");
        assertThat(Ipam.lowestFree(List.of("10.42.0.2", "10.42.0.4"))).isEqualTo("10.42.0.3");
        assertThat(Ipam.lowestFree(List.of("10.42.0.3", "10.42.0.2"))).isEqualTo("10.42.0.4");
        assertThat(Ipam.lowestFree(List.of("10.42.0.254", "10.42.0.2"))).isEqualTo("10.42.0.3");
        assertThat(Ipam.lowestFree(List.of("192.168.1.1"))).as("addresses outside the range do not count").isEqualTo("10.42.0.2");
    }

    @Test
    void crossing_octets_and_running_out() {
        List<String> used = new ArrayList<>();
        for (int a = Ipam.FIRST; a < Ipam.toInt("10.42.1.0"); a++) used.add(Ipam.toText(a));
        assertThat(Ipam.lowestFree(used)).isEqualTo("10.42.1.0");
        List<String> all = new ArrayList<>();
        for (int a = Ipam.FIRST; a <= Ipam.LAST; a++) all.add(Ipam.toText(a));
        assertThat(all).hasSize(65_533);
        assertThat(Ipam.lowestFree(all)).isNull();
    }
}
