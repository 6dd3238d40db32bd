package dev.yoq.manifest;

import java.util.List;

/** The manifest cannot be used; {@link #problems()} lists every error found (and the warnings beside them). */
public class ManifestException extends RuntimeException {

    private final String file;
    private final List<Problem> problems;

    public ManifestException(String file, List<Problem> problems) {
        super(problems.stream().filter(Problem::isError).findFirst().map(p -> p.describe(file)).orElse(file));
        this.file = file;
        this.problems = List.copyOf(problems);
    }

    public String file() {
        return file;
    }

    public List<Problem> problems() {
        return problems;
    }

    public List<Problem> errors() {
        return problems.stream().filter(Problem::isError).toList();
    }
}
