package dev.yoq.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code yoq version [--json]}: this CLI's version; no server needed. */
@Command(name = "version", description = "Print the yoq version.")
public class VersionCommand implements Callable<Integer> {

    @ParentCommand
    YoqCommand yoq;

    @Override
    public Integer call() {
        if (yoq.options.json()) {
            yoq.out.println("{\"version\":\"" + CliVersion.get() + "\"}");
        } else {
            yoq.out.println("yoq " + CliVersion.get());
        }
        return 0;
    }

}
