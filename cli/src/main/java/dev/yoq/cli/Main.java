package dev.yoq.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;

import picocli.CommandLine;

/**
 * Entry point. Exit status: 0 success, 1 a failure the message explains, 2 a usage error (unknown command, bad
 * flag), as a one-line message on stderr.
 */
public final class Main {

    /** As in the original: longer command names are refused before anything else. */
    static final int MAX_COMMAND_NAME = 256;

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("__warm-up")) {
            warmUp();
            return;
        }
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String invokedName = commandName(args);
        if (invokedName != null && invokedName.length() > MAX_COMMAND_NAME) {
            err.println("error: command name longer than " + MAX_COMMAND_NAME + " characters (see 'yoq --help')");
            return 2;
        }
        Factory factory = new Factory(env, out, err);
        CommandLine cli = new CommandLine(new YoqCommand(env, out, err), factory);
        String invoked = invokedName;
        YoqCommand.COMMANDS.forEach((name, type) -> {
            if (invoked == null || invoked.equals("help") || invoked.equals(name)
                    || !YoqCommand.COMMANDS.containsKey(invoked)) {
                // run and exec: options come before the target; everything after it is the container's command
                cli.addSubcommand(name, new CommandLine(type, factory)
                        .setStopAtPositional(name.equals("run") || name.equals("exec")));
            }
        });
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((e, a) -> {
            err.println(usageMessage(e) + " (see 'yoq --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof CliException) {
                err.println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** The first argument that is not a global option or its value: the subcommand's name, or null. */
    static String commandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--server") || a.equals("--token")) {
                i++;
            } else if (!a.startsWith("-")) {
                return a;
            }
        }
        return null;
    }

    private static String usageMessage(CommandLine.ParameterException e) {
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            String where = u.getCommandLine().getCommandName();
            return where.equals("yoq") ? "unknown command: " + u.getUnmatched().get(0)
                    : "unknown argument for '" + where + "': " + u.getUnmatched().get(0);
        }
        String message = e.getMessage().strip();
        if (message.endsWith(".")) {
            message = message.substring(0, message.length() - 1);
        }
        return "error: " + Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }

    /** Creates commands with the process's streams and environment, so tests can run the CLI in-process. */
    private record Factory(Map<String, String> env, PrintStream out, PrintStream err)
            implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == GlobalOptions.class) {
                return cls.cast(new GlobalOptions(env));
            }
            return CommandLine.defaultFactory().create(cls);
        }
    }

    /**
     * Run at build time under -XX:ArchiveClassesAtExit: loads what a typical command loads (picocli model, help,
     * HTTP client, JSON) so the class-data-sharing archive covers it.
     */
    private static void warmUp() {
        PrintStream sink = new PrintStream(OutputStream.nullOutputStream());
        run(new String[] {"version"}, Map.of(), sink, sink);
        run(new String[] {"--help"}, Map.of(), sink, sink);
        run(new String[] {"status", "--server", "127.0.0.1:1", "--token", "x"}, Map.of(), sink, sink);
        run(new String[] {"no-such-command"}, Map.of(), sink, sink);
        for (String command : new String[] {"run", "ps", "logs", "exec"}) {
            run(new String[] {command, "--help"}, Map.of(), sink, sink);
        }
        // A canned server on loopback, so the archive also holds the HTTP client and JSON reading and writing.
        try (java.net.ServerSocket canned = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                byte[] body = "[{\"id\":\"0123456789ab\",\"name\":null,\"status\":\"running\",\"ip\":null,\"command\":\"sh\",\"pid\":1,\"created_at\":1}]"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                try (java.net.Socket s = canned.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                            + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                    s.getOutputStream().write(body);
                } catch (java.io.IOException ignored) {
                    // the warm-up is best effort
                }
            });
            answer.start();
            run(new String[] {"ps", "--json", "--server", "127.0.0.1:" + canned.getLocalPort(), "--token", "x"}, Map.of(), sink, sink);
            answer.join(2_000);
            ApiClient.JSON.writeValueAsBytes(Map.of("target", "/", "command", java.util.List.of("true")));
        } catch (Exception ignored) {
            // best effort: a missing class only costs start-up time
        }
    }
}
