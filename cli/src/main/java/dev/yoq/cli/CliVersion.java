package dev.yoq.cli;

import dev.yoq.node.protocol.BuildInfo;
import picocli.CommandLine;

/** Picocli's view of the build version ({@code yoq --version}). */
public final class CliVersion implements CommandLine.IVersionProvider {

    public static String get() {
        return BuildInfo.version();
    }

    @Override
    public String[] getVersion() {
        return new String[] {"yoq " + get()};
    }
}
