package dev.yoq.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogReaderTest {
    @TempDir Path dir;

    static String cri(String stream, String tag, String text) {
        return "2026-11-26T12:00:00.000000001Z " + stream + " " + tag + " " + text + "\n";
    }

    @Test
    void strips_the_cri_prefix_joins_partial_lines_and_keeps_spaces() throws Exception {
        Path log = dir.resolve("c.log");
        Files.writeString(log, cri("stdout", "F", "hello  world") + cri("stderr", "P", "par") + cri("stderr", "F", "tial")
                + cri("stdout", "F", ""));
        LogReader.Chunk all = LogReader.from(log, 0);
        assertThat(all.text()).isEqualTo("hello  world\npartial\n\n");
        assertThat(all.offset()).isEqualTo(Files.size(log));
    }

    @Test
    void a_follower_gets_only_what_is_new_and_starts_over_after_rotation() throws Exception {
        Path log = dir.resolve("c.log");
        Files.writeString(log, cri("stdout", "F", "one"));
        LogReader.Chunk first = LogReader.from(log, 0);
        Files.writeString(log, cri("stdout", "F", "two") + "2026-11-26T12:00:00Z stdout F incompl", java.nio.file.StandardOpenOption.APPEND);
        LogReader.Chunk second = LogReader.from(log, first.offset());
        assertThat(second.text()).as("a line still being written waits").isEqualTo("two\n");
        Files.writeString(log, cri("stdout", "F", "new file"));   // rotated: shorter than the offset
        assertThat(LogReader.from(log, second.offset()).text()).isEqualTo("new file\n");
    }

    @Test
    void tail_keeps_the_last_lines_and_a_missing_file_is_empty() throws Exception {
        Path log = dir.resolve("c.log");
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 100; i++) b.append(cri("stdout", "F", "line " + i));
        Files.writeString(log, b);
        assertThat(LogReader.tail(log, 2).text()).isEqualTo("line 99\nline 100\n");
        assertThat(LogReader.tail(dir.resolve("none.log"), 5).text()).isEmpty();
        assertThat(LogReader.from(dir.resolve("none.log"), 0).text()).isEmpty();
    }

    @Test
    void a_large_log_comes_in_chunks_that_end_on_line_boundaries() throws Exception {
        Path log = dir.resolve("c.log");
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 5000; i++) b.append(cri("stdout", "F", "x".repeat(40) + i));
        Files.writeString(log, b);
        StringBuilder read = new StringBuilder();
        long offset = 0;
        int chunks = 0;
        while (true) {
            LogReader.Chunk c = LogReader.from(log, offset);
            if (c.text().isEmpty()) break;
            read.append(c.text());
            offset = c.offset();
            chunks++;
        }
        assertThat(chunks).isGreaterThan(1);
        assertThat(read.toString().split("\n")).hasSize(5000);
        assertThat(read.toString()).endsWith("x".repeat(40) + "4999\n");
    }
}
