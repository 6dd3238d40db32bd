package dev.yoq.cluster.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** Which token may act on an agent's routes: its own; the join token only where the agent has none. */
class AgentTokensTest {
    static final String JOIN = "the-join-token";
    final SecureRandom random = new SecureRandom();

    @Test
    void an_agent_with_a_token_is_served_only_with_that_token() {
        String mine = AgentTokens.draw(random), other = AgentTokens.draw(random);
        assertThat(mine).matches("[0-9a-f]{64}").isNotEqualTo(other);
        String kept = AgentTokens.hash(mine);
        assertThat(kept).isNotEqualTo(mine).hasSize(64);
        assertThat(AgentTokens.mayAct(kept, mine, JOIN)).isTrue();
        assertThat(AgentTokens.mayAct(kept, other, JOIN)).as("another agent's token").isFalse();
        assertThat(AgentTokens.mayAct(kept, JOIN, JOIN)).as("the join token every agent holds").isFalse();
        assertThat(AgentTokens.mayAct(kept, kept, JOIN)).as("the kept hash itself, read from a copy of the database").isFalse();
        assertThat(AgentTokens.mayAct(kept, "", JOIN)).isFalse();
        assertThat(AgentTokens.mayAct(kept, null, JOIN)).isFalse();
    }

    @Test
    void an_agent_registered_before_agent_tokens_keeps_the_join_token_and_an_unknown_one_is_let_through_to_be_told() {
        String mine = AgentTokens.draw(random);
        assertThat(AgentTokens.mayAct("", JOIN, JOIN)).isTrue();
        assertThat(AgentTokens.mayAct("", mine, JOIN)).isFalse();
        assertThat(AgentTokens.mayAct(null, JOIN, JOIN)).isTrue();
        assertThat(AgentTokens.mayAct(null, mine, JOIN)).as("a server that has not applied the registration yet").isTrue();
        assertThat(AgentTokens.mayAct(null, "guess", JOIN)).isFalse();
    }
}
