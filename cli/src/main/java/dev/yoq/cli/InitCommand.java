package dev.yoq.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

/**
 * {@code yoq init [-f PATH]}: write a starter manifest after four questions on stderr (project name, service name,
 * image, port); without a terminal every answer is its default. Never overwrites a file.
 */
@Command(name = "init", description = "Write a starter manifest.toml (asks 4 questions; defaults without a terminal).")
public class InitCommand implements Callable<Integer> {

    @ParentCommand
    YoqCommand yoq;

    @Mixin
    ManifestOptions manifest;

    @Override
    public Integer call() throws IOException {
        if (Files.exists(manifest.file)) {
            throw new CliException(manifest.display() + " already exists; remove it or pick another path with -f");
        }
        BufferedReader in = System.console() == null ? null
                : new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String project = ask(in, "project name", ManifestOptions.directoryAppName());
        String service = ask(in, "service name", "app");
        String image = ask(in, "image", "nginx:latest");
        String port = ask(in, "port", "none");
        if (!port.equals("none") && !validPort(port)) {
            throw new CliException("port: must be 1-65535 or none, got '" + port + "'");
        }
        if (!service.matches("[A-Za-z0-9_-]+")) {
            throw new CliException("service name: use letters, digits, '-' and '_', got '" + service + "'");
        }
        StringBuilder toml = new StringBuilder()
                .append("# ").append(project).append(": deploy with `yoq up`, check with `yoq validate`.\n")
                .append("app = \"").append(escape(project)).append("\"\n\n")
                .append("[service.").append(service).append("]\n")
                .append("image = \"").append(escape(image)).append("\"\n");
        if (!port.equals("none")) {
            toml.append("ports = [\"").append(port).append(':').append(port).append("\"]\n");
        }
        toml.append("restart = \"on_failure\"\n");
        try {
            Files.writeString(manifest.file, toml, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
        } catch (FileAlreadyExistsException raced) {
            throw new CliException(manifest.display() + " already exists; remove it or pick another path with -f");
        }
        yoq.out.println("wrote " + manifest.display());
        return 0;
    }

    private String ask(BufferedReader in, String question, String fallback) throws IOException {
        if (in == null) {
            return fallback;
        }
        yoq.err.print(question + " [" + fallback + "]: ");
        yoq.err.flush();
        String answer = in.readLine();
        return answer == null || answer.isBlank() ? fallback : answer.strip();
    }

    private static boolean validPort(String text) {
        return text.matches("\\d{1,5}") && Integer.parseInt(text) >= 1 && Integer.parseInt(text) <= 65535;
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
