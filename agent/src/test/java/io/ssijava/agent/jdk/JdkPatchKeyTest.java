package io.ssijava.agent.jdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The instrumented JDK's cache key: the same agent build finds its copy again, another build makes its own. */
class JdkPatchKeyTest {

    @TempDir
    Path tmp;

    private Path jar(String name, Map<String, String> entries, long time) throws IOException {
        Path jar = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey());
                entry.setTime(time);
                zip.putNextEntry(entry);
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        Files.setLastModifiedTime(jar, FileTime.fromMillis(time));
        return jar;
    }

    @Test
    void theSameBuildGivesTheSameKeyAndAnyChangedClassAnother() throws IOException {
        Map<String, String> build = Map.of("a/A.class", "alpha", "a/B.class", "beta");
        String key = JdkPatch.key(jar("one.jar", build, 1_000_000L), "17.0.1");
        // the same entries, packed again later: the same build
        assertEquals(key, JdkPatch.key(jar("again.jar", build, 9_000_000L), "17.0.1"));
        // a class of the same size whose bytes changed
        assertNotEquals(key, JdkPatch.key(jar("changed.jar", Map.of("a/A.class", "alphb", "a/B.class", "beta"),
                1_000_000L), "17.0.1"));
        // one more class, or another JDK build
        assertNotEquals(key, JdkPatch.key(jar("more.jar", Map.of("a/A.class", "alpha", "a/B.class", "beta",
                "a/C.class", "gamma"), 1_000_000L), "17.0.1"));
        assertNotEquals(key, JdkPatch.key(jar("one-again.jar", build, 1_000_000L), "17.0.2"));
    }
}
