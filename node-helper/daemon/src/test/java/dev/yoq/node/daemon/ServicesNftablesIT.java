package dev.yoq.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** {@link ServicesIT} on the nftables fallback (the helper started with YOQ_DATAPLANE=nftables). */
class ServicesNftablesIT extends ServicesIT {
    @BeforeAll
    static void up() throws Exception {
        start("nftables");
    }

    @Override
    String mode() { return "nftables"; }

    @Test
    @Order(7)
    void the_vip_is_an_nftables_rule() throws Exception {
        assertThat(NetworkIT.sh("nft list table ip " + PLAN.table)).contains("ip daddr " + VIP).contains("jhash");
    }
}
