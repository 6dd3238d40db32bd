package dev.yoq.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, taken from the Maven project version at build time. */
public final class YoqVersion {

    private static final String VERSION = load();

    private YoqVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = YoqVersion.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
