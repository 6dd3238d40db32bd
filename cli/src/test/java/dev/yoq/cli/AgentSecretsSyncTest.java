package dev.yoq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which copies of cluster secrets an agent fetches, keeps and removes: decided from versions alone. */
class AgentSecretsSyncTest {
    @TempDir
    Path dir;

    @Test
    void a_copy_is_fetched_when_missing_or_of_another_version_only() {
        Map<String, String> held = Map.of("db", "v1", "api", "v7");
        assertThat(AgentSecretsSync.stale(Map.of("db", "v1"), held)).isEmpty();
        assertThat(AgentSecretsSync.stale(Map.of("db", "v2"), held)).containsExactly("db");
        assertThat(AgentSecretsSync.stale(Map.of("tls", "v1"), held)).containsExactly("tls");
    }

    @Test
    void copies_no_wanted_work_names_are_the_ones_removed() {
        Map<String, String> held = Map.of("db", "v1", "api", "v7", "old", "v3");
        assertThat(AgentSecretsSync.unused(held, AgentSecretsSync.wanted(List.of(Map.of("db", "v1"), Map.of("api", "v8")))))
                .containsExactly("old");
        assertThat(AgentSecretsSync.unused(held, List.of())).containsExactly("api", "db", "old");
    }

    @Test
    void versions_are_read_from_the_assignment_and_absent_means_none() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertThat(AgentSecretsSync.versions(json.readTree("{\"id\":\"x\",\"secret_versions\":{\"db\":\"0a1b\",\"api\":\"ff00\"}}")))
                .containsExactly(Map.entry("db", "0a1b"), Map.entry("api", "ff00"));
        assertThat(AgentSecretsSync.versions(json.readTree("{\"id\":\"x\"}"))).isEmpty();
    }

    @Test
    void the_copies_it_made_are_kept_across_a_restart_and_a_garbled_line_is_skipped() throws Exception {
        Path file = dir.resolve("cluster/secrets");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "db 0a1b\n../evil 1\nbroken\n");
        AgentSecretsSync sync = new AgentSecretsSync(file, new PrintStream(new ByteArrayOutputStream()));
        assertThat(AgentSecretsSync.stale(Map.of("db", "0a1b", "evil", "1"), sync.held())).containsExactly("evil");
    }
}
