package dev.yoq.api.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The hardening issue's finding 2: per-route caps, counted for bodies that declare no length. */
class BodyLimitsTest {
    @Test
    void apply_routes_get_8_mib_and_every_other_route_1_mib() {
        BodyLimits limits = new BodyLimits(BodyLimits.DEFAULT_JSON, BodyLimits.DEFAULT_APPLY);
        assertThat(limits.capFor("/apps/apply")).isEqualTo(8L << 20);
        assertThat(limits.capFor("/apps/dry-run/")).isEqualTo(8L << 20);
        assertThat(limits.capFor("/containers")).isEqualTo(1L << 20);
        assertThat(limits.capFor("/v1/secrets")).as("a 1 MiB value as base64 in JSON fits").isGreaterThan((4L << 20) / 3);
        assertThat(limits.capFor("/apps/demo/rollback")).isEqualTo(1L << 20);
        assertThatThrownBy(() -> new BodyLimits(0, 1)).hasMessageContaining("yoq.api.max-body-bytes");
        assertThatThrownBy(() -> new BodyLimits(1, WireLimits.MAX_BODY_BYTES + 1)).hasMessageContaining("yoq.api.max-apply-bytes");
    }

    @Test
    void a_body_is_counted_as_it_is_read_and_refused_one_byte_past_the_cap() throws Exception {
        InputStream in = new CappedInputStream(new ByteArrayInputStream(new byte[100]), 100);
        assertThat(in.readAllBytes()).hasSize(100);
        InputStream over = new CappedInputStream(new ByteArrayInputStream(new byte[101]), 100);
        assertThatThrownBy(over::readAllBytes).isInstanceOf(BodyTooLargeException.class).hasMessageContaining("limit 100 bytes");
        InputStream oneByOne = new CappedInputStream(new ByteArrayInputStream(new byte[3]), 2);
        oneByOne.read();
        oneByOne.read();
        assertThatThrownBy(oneByOne::read).isInstanceOf(BodyTooLargeException.class);
    }

    @Test
    void a_huge_body_is_never_pulled_in_past_the_cap() throws Exception {
        long[] served = {0};
        InputStream endless = new InputStream() {
            @Override public int read() { served[0]++; return 'x'; }
            @Override public int read(byte[] b, int off, int len) { served[0] += len; return len; }
        };
        assertThatThrownBy(() -> new CappedInputStream(endless, 1000).readAllBytes()).isInstanceOf(BodyTooLargeException.class);
        assertThat(served[0]).isLessThanOrEqualTo(1001);
    }

    @Test
    void the_cause_chain_is_searched_for_the_refusal() {
        assertThat(BodyTooLargeException.in(new RuntimeException(new IllegalStateException(new BodyTooLargeException(1))))).isTrue();
        assertThat(BodyTooLargeException.in(new RuntimeException("other"))).isFalse();
    }

    @Test
    void the_budget_holds_bodies_back_until_room_is_given_back() throws Exception {
        BodyBudget budget = new BodyBudget(2L << 20);
        BodyBudget.Reservation a = budget.reserve(1L << 20, 0);
        BodyBudget.Reservation b = budget.reserve(1L << 20, 0);
        assertThat(a).isNotNull();
        assertThat(b).isNotNull();
        assertThat(budget.reserve(1, 10)).as("full").isNull();
        a.close();
        assertThat(budget.reserve(1L << 20, 0)).isNotNull();
        assertThat(budget.reserve(100L << 20, 0)).as("larger than the whole budget: waits for all of it").isNull();
    }

    @Test
    void the_budget_is_given_back_once_the_body_is_read_not_when_the_request_ends() throws Exception {
        BodyBudget budget = new BodyBudget(1L << 20);
        BodyBudget.Reservation room = budget.reserve(1L << 20, 0);
        InputStream body = new CappedInputStream(new ByteArrayInputStream(new byte[10]), 100, room::close);
        assertThat(budget.reserve(1, 0)).as("held while the body is being read").isNull();
        body.readAllBytes();
        BodyBudget.Reservation next = budget.reserve(1L << 20, 0);
        assertThat(next).as("read to its end: the room is back").isNotNull();
        room.close();
        assertThat(budget.reserve(1, 0)).as("closing twice gives nothing back twice").isNull();
    }
}
