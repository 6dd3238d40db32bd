package dev.yoq.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;

/**
 * Loads a manifest: size cap (1 MiB), {@code ${VAR}} expansion on the raw text, a full TOML 1.0 parse, the model,
 * the rules. Every problem is located ({@code file:line: path: message}); errors throw
 * {@link ManifestException} with all of them, warnings come back with the manifest.
 */
public final class ManifestLoader {

    public static final int MAX_BYTES = 1024 * 1024;
    public static final int MAX_TABLE_DEPTH = 64;
    private static final TomlMapper TOML = new TomlMapper();

    /** A loaded manifest and the warnings about it. */
    public record Result(Manifest manifest, List<Problem> warnings) {
    }

    private ManifestLoader() {
    }

    public static Result load(Path file, String defaultAppName, Function<String, String> env) {
        String name = file.toString();
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw fail(name, "ReadFailed", "is " + size + " bytes; manifests are limited to 1 MiB");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), name, defaultAppName, env);
        } catch (NoSuchFileException e) {
            throw fail(name, "FileNotFound", "no such file (create one with: yoq init)");
        } catch (IOException e) {
            throw fail(name, "ReadFailed", "cannot read: " + e.getMessage());
        }
    }

    public static Result parse(String text, String fileName, String defaultAppName, Function<String, String> env) {
        return parse(text, fileName, defaultAppName, env, MAX_BYTES);
    }

    /**
     * As {@link #parse(String, String, String, Function)} with another size bound. Users' manifests always get
     * {@link #MAX_BYTES}; a larger bound is for tools such as the benchmarks, which measure 10,000 services.
     */
    public static Result parse(String text, String fileName, String defaultAppName, Function<String, String> env,
                               int maxBytes) {
        // UTF-8 takes at most 3 bytes per char: only text that could exceed the bound is encoded to measure it
        if (text.length() > maxBytes
                || (long) text.length() * 3 > maxBytes && text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw fail(fileName, "ReadFailed", "is larger than " + (maxBytes == MAX_BYTES ? "1 MiB" : maxBytes + " bytes")
                    + ", the limit for manifests");
        }
        String expanded = VariableExpansion.expand(text, env);
        List<Problem> problems = new ArrayList<>();
        ObjectNode root = parseToml(expanded, fileName, problems);
        Manifest manifest = new ManifestReader(problems).read(root, defaultAppName);
        ManifestRules.check(manifest, problems);
        // placing problems on lines reads the whole text again: only worth it when there is something to place
        SourceLines lines = problems.isEmpty() ? null : new SourceLines(expanded);
        List<Problem> located = problems.stream().map(p -> p.line() > 0 ? p : p.at(lines.lineOf(p.path()))).toList();
        if (located.stream().anyMatch(Problem::isError)) {
            throw new ManifestException(fileName, located);
        }
        return new Result(manifest, located);
    }

    private static ObjectNode parseToml(String text, String fileName, List<Problem> problems) {
        JsonNode root;
        try {
            root = readTreeJoiningReopenedTables(text, problems);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String message = e.getOriginalMessage().replaceAll("\\s+", " ").strip();
            int line = at == null ? 0 : Math.max(0, at.getLineNr());
            if (line > 1 && at.getColumnNr() == 1) {
                line--; // the parser noticed at the start of the next line (duplicate keys): blame the line it ended
            }
            throw new ManifestException(fileName, List.of(new Problem(Problem.Severity.ERROR, "ParseFailed", "", line,
                    "invalid TOML: " + message)));
        }
        if (root == null || !root.isObject()) {
            root = TOML.createObjectNode();
        }
        if (depth(root) > MAX_TABLE_DEPTH) {
            throw fail(fileName, "ParseFailed", "tables nest deeper than " + MAX_TABLE_DEPTH + " levels");
        }
        return (ObjectNode) root;
    }

    /** TOML 1.0, except that a table opened twice is joined (with a warning) as the original did. */
    private static JsonNode readTreeJoiningReopenedTables(String text, List<Problem> problems) throws JacksonException {
        try {
            return TOML.readTree(text);
        } catch (JacksonException e) {
            ReopenedTables.Merged merged = e.getOriginalMessage().contains("Table redefined")
                    ? ReopenedTables.merge(text) : null;
            if (merged == null) {
                throw e;
            }
            JsonNode root = TOML.readTree(merged.text());
            merged.reopened().forEach(t -> problems.add(Problem.warning(t, "table [" + t + "] appears more than "
                    + "once; its parts are joined (TOML 1.0 forbids this: keep each table in one place)")));
            return root;
        }
    }

    private static int depth(JsonNode node) {
        int max = 0;
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            JsonNode child = it.next();
            if (child.isContainerNode()) {
                max = Math.max(max, depth(child));
            }
        }
        return node.isObject() ? max + 1 : max;
    }

    private static ManifestException fail(String file, String kind, String message) {
        return new ManifestException(file, List.of(Problem.error(kind, "", message)));
    }
}
