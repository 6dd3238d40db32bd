package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An agent learns every server from its heartbeat answers, so a dead server it joined through does not strand it. */
class JoinServersTest {
    @Test
    void the_servers_a_heartbeat_lists_join_the_known_ones_and_malformed_or_excess_entries_are_skipped() throws Exception {
        LinkedHashSet<ServerAddress> known = new LinkedHashSet<>(List.of(ServerAddress.parse("10.0.0.1:7700")));
        JoinCommand.learnServers(known, new ObjectMapper().readTree("[\"10.0.0.1:7700\",\"10.0.0.2:7700\",\"not an address\",\"10.0.0.3:7700\"]"));
        assertThat(known).containsExactly(ServerAddress.parse("10.0.0.1:7700"), ServerAddress.parse("10.0.0.2:7700"),
                ServerAddress.parse("10.0.0.3:7700"));
        assertThat(JoinCommand.next(known, ServerAddress.parse("10.0.0.1:7700"))).as("a silent server: the next one known")
                .isEqualTo(ServerAddress.parse("10.0.0.2:7700"));

        StringBuilder many = new StringBuilder("[");
        for (int i = 1; i <= 40; i++) many.append(i > 1 ? "," : "").append("\"10.0.1.").append(i).append(":7700\"");
        JoinCommand.learnServers(known, new ObjectMapper().readTree(many.append("]").toString()));
        assertThat(known).as("bounded").hasSize(16);
        JoinCommand.learnServers(known, new ObjectMapper().readTree("{}"));
        assertThat(known).hasSize(16);
    }
}
