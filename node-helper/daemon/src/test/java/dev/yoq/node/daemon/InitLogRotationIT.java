package dev.yoq.node.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** yoq-init on its own (no helper): the log file moves aside at its size cap and carries on with a marker. */
class InitLogRotationIT {
    @TempDir Path tmp;

    @Test
    void the_log_rotates_at_its_cap_and_keeps_every_line_in_order() throws Exception {
        Fixtures.requirePrivilegedLane();
        Path rootfs = Fixtures.busyboxRootfs(Files.createDirectories(tmp.resolve("rootfs")));
        Path c = tmp.resolve("c");
        for (String d : List.of("upper", "work", "rootfs")) Files.createDirectories(c.resolve(d));
        Path log = tmp.resolve("c.log");
        Files.writeString(c.resolve("init.conf"), String.join("\n",
                "mode run", "id 0a0a0a0a0a0a", "rootfs " + c.resolve("rootfs"), "lower " + rootfs,
                "upper " + c.resolve("upper"), "work " + c.resolve("work"), "hostname rot", "caps 24e3",
                "env PATH=/bin", "arg sh", "arg -c", "arg i=0; while [ $i -lt 60 ]; do echo line-$i; i=$((i+1)); done",
                "log " + log, "log_max 2000", "state_dir " + c, ""));
        Process init = new ProcessBuilder(System.getProperty("yoq.init", "../init/target/yoq-init"), c.resolve("init.conf").toString())
                .redirectErrorStream(true).start();
        String answer = new String(init.getInputStream().readAllBytes());
        assertThat(init.waitFor()).isZero();
        assertThat(answer).startsWith("ok ");
        assertThat(Files.readString(c.resolve("exit.json"))).contains("\"exit_code\":0");

        Path old = tmp.resolve("c.log.1");
        assertThat(old).exists();
        assertThat(Files.size(old)).isLessThanOrEqualTo(2000);
        List<String> current = Files.readAllLines(log);
        assertThat(current.get(0)).endsWith(" stderr F --- log truncated (exceeded 50 MB) ---");
        assertThat(current.get(current.size() - 1)).endsWith(" stdout F line-59");
        for (String line : current) assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z std(out|err) F .*");
    }
}
