package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.model.ReleaseRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Releases by command against real SQLite: superseding, stale progress refused, control, retention, audit. */
class AppTransitionsTest extends BusTestBase {
    ReleaseRecord release(String id) {
        return db.inNewTransaction(em -> em.find(ReleaseRecord.class, id));
    }

    void create(String id, long at) {
        bus.submit(new Command.CreateRelease(id, "shop", "apply", null, "sha256:" + id, "{}", "api-token", at));
    }

    @Test
    void a_new_release_supersedes_an_open_one_whose_rollout_may_then_write_nothing() {
        create("aaa", 1_000);
        bus.submit(new Command.RecordRolloutProgress("aaa", "in_progress", null, 1, 0, null, "[]", "{}"));
        create("bbb", 2_000);
        assertThat(release("aaa").getStatus()).isEqualTo("superseded");
        assertThat(release("aaa").getSupersededByReleaseId()).isEqualTo("bbb");
        assertThatThrownBy(() -> bus.submit(new Command.RecordRolloutProgress("aaa", "completed", null, 2, 0, null, "[]", "{}")))
                .hasMessageContaining("superseded by bbb");
        assertThat(release("bbb").getStatus()).isEqualTo("pending");
        List<String> audit = db.inNewTransaction(em -> em.createQuery("SELECT a.action FROM AuditEntry a ORDER BY a.id", String.class).getResultList());
        assertThat(audit).containsExactly("app_apply", "app_apply");
    }

    @Test
    void resuming_a_rollout_paused_on_a_failure_takes_it_up_again_while_pausing_keeps_it() {
        create("ccc", 1_000);
        bus.submit(new Command.RecordRolloutProgress("ccc", "partially_failed", "paused", 1, 1, null, "[]", "{}"));
        bus.submit(new Command.SetRolloutControl("ccc", "paused"));
        assertThat(release("ccc").getStatus()).isEqualTo("partially_failed");
        bus.submit(new Command.SetRolloutControl("ccc", "active"));
        assertThat(release("ccc").getStatus()).isEqualTo("in_progress");
        assertThat(release("ccc").getControlState()).isEqualTo("active");
    }

    @Test
    void compaction_keeps_the_newest_and_the_last_completed_release() {
        create("r1", 1_000);
        bus.submit(new Command.RecordRolloutProgress("r1", "completed", null, 1, 0, null, "[]", "{}"));
        for (int i = 2; i <= 6; i++) {
            create("r" + i, 1_000L * i);
            bus.submit(new Command.RecordRolloutProgress("r" + i, "failed", null, 0, 1, null, "[]", "{}"));
        }
        assertThat(bus.submit(new Command.CompactReleases("shop", 2))).isEqualTo(3);
        List<String> left = db.inNewTransaction(em -> em.createQuery("SELECT r.id FROM ReleaseRecord r ORDER BY r.seq", String.class).getResultList());
        assertThat(left).containsExactly("r1", "r5", "r6");
    }

    @Test
    void an_app_stays_down_until_its_next_release() {
        create("d1", 1_000);
        bus.submit(new Command.MarkAppDown("shop", 2_000));
        bus.submit(new Command.MarkAppDown("shop", 2_500));
        assertThat(down()).isTrue();
        create("d2", 3_000);
        assertThat(down()).isFalse();
    }

    boolean down() {
        return db.<Boolean>inNewTransaction(em -> em.find(dev.yoq.model.AppDownRecord.class, "shop") != null);
    }

    @Test
    void same_millisecond_releases_keep_their_order() {
        create("x1", 5_000);
        create("x2", 5_000);
        assertThat(release("x2").getSeq()).isGreaterThan(release("x1").getSeq());
    }
}
