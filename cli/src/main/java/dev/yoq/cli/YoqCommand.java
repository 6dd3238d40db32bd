package dev.yoq.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** The root {@code yoq} command; with no subcommand it prints the usage. */
@Command(name = "yoq", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = "yoq: containers, apps and clusters in one system.",
        subcommands = {VersionCommand.class, StatusCommand.class, ServerCommand.class, ValidateCommand.class,
                InitCommand.class, UpCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Run 'yoq <command> --help' for a command's options."})
public class YoqCommand implements Callable<Integer> {

    @Mixin
    GlobalOptions options;

    @Spec
    CommandLine.Model.CommandSpec spec;

    final PrintStream out;
    final PrintStream err;

    public YoqCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.options = new GlobalOptions(env);
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(out);
        return 0;
    }
}
