package dev.yoq.cli;

import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * The root {@code yoq} command; with no subcommand it prints the usage. Its subcommands are registered by
 * {@link Main} from {@link #COMMANDS}, only the one being run when that is known: picocli builds a command's
 * model by reflection, and start-up should not grow with the number of commands.
 */
@Command(name = "yoq", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        scope = CommandLine.ScopeType.INHERIT,
        description = "yoq: containers, apps and clusters in one system.",
        footer = {"", "Run 'yoq <command> --help' for a command's options."})
public class YoqCommand implements Callable<Integer> {

    /** Every subcommand, in the order help lists them. */
    static final Map<String, Class<?>> COMMANDS = commands();

    private static Map<String, Class<?>> commands() {
        Map<String, Class<?>> c = new java.util.LinkedHashMap<>();
        c.put("run", RunCommand.class);
        c.put("ps", ContainerCommands.Ps.class);
        c.put("logs", ContainerCommands.Logs.class);
        c.put("stop", ContainerCommands.Stop.class);
        c.put("rm", ContainerCommands.Rm.class);
        c.put("restart", ContainerCommands.Restart.class);
        c.put("exec", ContainerCommands.Exec.class);
        c.put("pull", ImageCommands.Pull.class);
        c.put("push", ImageCommands.Push.class);
        c.put("images", ImageCommands.Images.class);
        c.put("rmi", ImageCommands.Rmi.class);
        c.put("inspect", ImageCommands.Inspect.class);
        c.put("prune", ImageCommands.Prune.class);
        c.put("login", LoginCommand.class);
        c.put("tags", ImageCommands.Tags.class);
        c.put("policy", PolicyCommands.class);
        c.put("services", ServicesCommand.class);
        c.put("init-server", InitServerCommand.class);
        c.put("join", JoinCommand.class);
        c.put("cluster", ClusterCommands.Cluster.class);
        c.put("nodes", ClusterCommands.Nodes.class);
        c.put("drain", ClusterCommands.Drain.class);
        c.put("cert", CertCommands.class);
        c.put("secret", SecretCommands.class);
        c.put("token", TokenCommands.class);
        c.put("audit", AuditCommand.class);
        c.put("metrics", MetricsCommand.class);
        c.put("doctor", DoctorCommand.class);
        c.put("upgrade", UpgradeCommand.class);
        c.put("version", VersionCommand.class);
        c.put("status", StatusCommand.class);
        c.put("server", ServerCommand.class);
        c.put("validate", ValidateCommand.class);
        c.put("init", InitCommand.class);
        c.put("up", UpCommand.class);
        c.put("down", AppCommands.Down.class);
        c.put("apps", AppCommands.Apps.class);
        c.put("history", AppCommands.History.class);
        c.put("rollback", AppCommands.Rollback.class);
        c.put("rollout", AppCommands.Rollout.class);
        c.put("run-worker", AppCommands.RunWorker.class);
        c.put("help", CommandLine.HelpCommand.class);
        return java.util.Collections.unmodifiableMap(c);
    }

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
