package dev.yoq.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.yoq.model.ContainerRecord;
import org.junit.jupiter.api.Test;

/** Container commands against a real SQLite file: statuses, races between events and answers, removal. */
class ContainerTransitionsTest extends BusTestBase {
    void create(String id, String name, String policy) {
        bus.submit(new Command.CreateContainer(id, name, "/rootfs", null, "sh -c true", name == null ? "container" : name, "{}", policy, 1_000));
    }

    ContainerRecord read(String id) { return db.inNewTransaction(em -> em.find(ContainerRecord.class, id)); }

    @Test
    void a_run_goes_created_running_then_exited_or_failed_by_its_code() {
        create("aaaaaaaaaaaa", "web", "no");
        assertThat(read("aaaaaaaaaaaa").getStatus()).isEqualTo("created");
        bus.submit(new Command.RecordContainerStarted("aaaaaaaaaaaa", 42, false, 2_000));
        assertThat(read("aaaaaaaaaaaa").getStatus()).isEqualTo("running");
        assertThat(read("aaaaaaaaaaaa").getPid()).isEqualTo(42);
        assertThat(bus.submit(new Command.RecordContainerEnded("aaaaaaaaaaaa", 0, 0, false, null, 2_000L, 3_000))).isEqualTo("exited");
        bus.submit(new Command.RecordContainerStarted("aaaaaaaaaaaa", 43, true, 4_000));
        assertThat(bus.submit(new Command.RecordContainerEnded("aaaaaaaaaaaa", 137, 9, true, null, 4_000L, 5_000))).isEqualTo("failed");
        ContainerRecord r = read("aaaaaaaaaaaa");
        assertThat(r.getStatusReason()).isEqualTo("out of memory (OOM killed)");
        assertThat(r.getRestartCount()).isEqualTo(1);
        assertThat(r.getPid()).isNull();
        assertThat(r.getFinishedAt()).isEqualTo(5_000L);
    }

    @Test
    void a_fast_exit_reported_before_the_start_answer_is_not_undone() {
        create("bbbbbbbbbbbb", null, "no");
        bus.submit(new Command.RecordContainerEnded("bbbbbbbbbbbb", 0, 0, false, null, 2_000L, 2_010));
        bus.submit(new Command.RecordContainerStarted("bbbbbbbbbbbb", 50, false, 2_000));
        assertThat(read("bbbbbbbbbbbb").getStatus()).isEqualTo("exited");
    }

    @Test
    void news_of_an_earlier_run_does_not_end_the_current_one() {
        create("cccccccccccc", null, "always");
        bus.submit(new Command.RecordContainerStarted("cccccccccccc", 1, false, 1_000));
        bus.submit(new Command.RecordContainerStarted("cccccccccccc", 2, true, 5_000));
        bus.submit(new Command.RecordContainerEnded("cccccccccccc", 1, 0, false, null, 1_000L, 1_500));
        assertThat(read("cccccccccccc").getStatus()).isEqualTo("running");
    }

    @Test
    void a_user_stop_reads_as_stopped_and_removal_waits_for_the_end() {
        create("dddddddddddd", null, "always");
        bus.submit(new Command.RecordContainerStarted("dddddddddddd", 7, false, 1_000));
        assertThatThrownBy(() -> bus.submit(new Command.RemoveContainer("dddddddddddd")))
                .isInstanceOf(CommandRejectedException.class).hasMessage("cannot remove running container");
        bus.submit(new Command.SetContainerDesiredState("dddddddddddd", "stopped"));
        assertThat(bus.submit(new Command.RecordContainerEnded("dddddddddddd", 137, 9, false, null, 1_000L, 2_000))).isEqualTo("stopped");
        bus.submit(new Command.RemoveContainer("dddddddddddd"));
        assertThat(read("dddddddddddd")).isNull();
    }

    @Test
    void ids_and_names_are_unique() {
        create("eeeeeeeeeeee", "api", "no");
        assertThatThrownBy(() -> create("eeeeeeeeeeee", "other", "no")).hasMessage("container id eeeeeeeeeeee is taken");
        assertThatThrownBy(() -> create("ffffffffffff", "api", "no")).hasMessage("container name api is already in use");
        create("ffffffffffff", null, "no");
        create("999999999999", null, "no");   // unnamed containers do not collide
    }
}
