package io.ssijava.agent.jdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JdkPatchPruneTest {
    private static final long DAY = 24L * 60 * 60 * 1000;
    private static final long NOW = 1_800_000_000_000L;

    @TempDir
    Path root;

    private Path copy(String name, long lastUsed) throws IOException {
        Path d = Files.createDirectories(root.resolve(name).resolve("java/util"));
        Path marker = root.resolve(name).resolve("ssi-java-jdk-patch.ok");
        Files.writeString(marker, "classes=1\n");
        Files.writeString(d.resolve("HashMap.class"), "x");
        Files.setLastModifiedTime(marker, FileTime.fromMillis(lastUsed));
        return root.resolve(name);
    }

    @Test
    void copiesUnusedForTwoWeeksAndStaleTemporariesGoTheOthersStay() throws IOException {
        Path current = copy("jdk-17-aaaa", NOW);
        Path recent = copy("jdk-17-bbbb", NOW - 3 * DAY);
        Path old = copy("jdk-17-cccc", NOW - (JdkPatch.UNUSED_DAYS + 1) * DAY);
        Path oldButCurrent = copy("jdk-25-dddd", NOW - 100 * DAY);
        Path staleTmp = Files.createDirectories(root.resolve("tmp-123"));
        Files.setLastModifiedTime(staleTmp, FileTime.fromMillis(NOW - 2 * DAY));
        Path freshTmp = Files.createDirectories(root.resolve("tmp-456"));
        Files.setLastModifiedTime(freshTmp, FileTime.fromMillis(NOW - 1000));
        Path unrelated = Files.createDirectories(root.resolve("notes"));
        Files.setLastModifiedTime(unrelated, FileTime.fromMillis(NOW - 100 * DAY));

        JdkPatch.prune(root, oldButCurrent, NOW);

        assertTrue(Files.isDirectory(current));
        assertTrue(Files.isDirectory(recent));
        assertFalse(Files.exists(old), "unused for more than two weeks");
        assertTrue(Files.isDirectory(oldButCurrent), "the copy just made is kept");
        assertFalse(Files.exists(staleTmp), "a generation cut short a day ago");
        assertTrue(Files.isDirectory(freshTmp), "a generation that may still run");
        assertTrue(Files.isDirectory(unrelated), "only ssi-java's own directories go");
    }
}
