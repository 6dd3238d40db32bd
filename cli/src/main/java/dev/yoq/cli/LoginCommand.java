package dev.yoq.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code yoq login REGISTRY -u USER [--password-stdin]}: the server checks and keeps the credentials (0600). */
@Command(name = "login", description = "Log in to a registry; the server keeps the credentials for pulls.")
public class LoginCommand implements Callable<Integer> {
    @ParentCommand
    YoqCommand yoq;

    @Parameters(index = "0", paramLabel = "REGISTRY", description = "host[:port]")
    String registry;

    @Option(names = {"-u", "--username"}, required = true)
    String username;

    @Option(names = "--password-stdin", description = "read the password from standard input (else a prompt)")
    boolean passwordStdin;

    @Option(names = "--insecure", description = "plain HTTP to this registry (loopback ones always are)")
    boolean insecure;

    @Override
    public Integer call() throws IOException {
        String password;
        if (!passwordStdin && System.console() != null) {
            char[] typed = System.console().readPassword("password for %s@%s: ", username, registry);
            password = typed == null ? "" : new String(typed);
        } else {
            password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (password == null) throw new CliException("no password on standard input");
        }
        yoq.options.client().post("/registries/login", Map.of("registry", registry, "username", username, "password", password,
                "insecure", insecure));
        yoq.out.println("logged in to " + registry);
        return 0;
    }
}
