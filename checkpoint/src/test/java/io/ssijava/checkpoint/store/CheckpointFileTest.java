package io.ssijava.checkpoint.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointFileTest
{
    private static final long JOB = 0x5eed_cafe_0001L;

    @TempDir
    Path dir;

    private static CheckpointFile.Header full(final long checkpoint, final int node)
    {
        return new CheckpointFile.Header(JOB, checkpoint, 0, node, 3, CheckpointFile.Kind.FULL, 1_700_000_000_000L);
    }

    private static byte[] random(final int n, final long seed)
    {
        final byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aWrittenFileReadsBackItsHeaderAndPayload() throws IOException
    {
        final Path file = dir.resolve("a/b/node-1.part");
        final byte[] payload = random(300_000, 1);
        final long size = CheckpointFile.write(file, full(7, 1), payload, false);
        assertEquals(Files.size(file), size);
        assertEquals(CheckpointFile.HEADER_BYTES + payload.length + CheckpointFile.TRAILER_BYTES, size);
        assertEquals(full(7, 1), CheckpointFile.readHeader(file));
        assertEquals(full(7, 1), CheckpointFile.verify(file, JOB));
        assertArrayEquals(payload, CheckpointFile.readPayload(file, JOB));
        assertFalse(Files.exists(dir.resolve("a/b/node-1.part.tmp")), "the temporary file is renamed into place");
    }

    @Test
    void aStreamedPayloadOfSmallAndLargeWritesComesBackWhole() throws IOException
    {
        final byte[] big = random(200_000, 2);
        final Path file = dir.resolve("node-0.part");
        CheckpointFile.write(file, full(1, 0), out ->
        {
            for (int i = 0; i < 70_000; i++)
            {
                out.write(i); // single bytes across several buffer fills
            }
            out.write(big); // larger than the buffer: written through
            out.write(big, 5, 1000);
        }, true);
        final byte[] back = CheckpointFile.readPayload(file, JOB);
        assertEquals(70_000 + big.length + 1000, back.length);
        for (int i = 0; i < 70_000; i++)
        {
            assertEquals((byte)i, back[i]);
        }
        assertArrayEquals(big, Arrays.copyOfRange(back, 70_000, 70_000 + big.length));
        assertArrayEquals(Arrays.copyOfRange(big, 5, 1005), Arrays.copyOfRange(back, 70_000 + big.length,
            back.length));
    }

    @Test
    void anEmptyPayloadIsAFile() throws IOException
    {
        final Path file = dir.resolve("empty.part");
        CheckpointFile.write(file, full(1, 2), new byte[0], false);
        assertEquals(0, CheckpointFile.readPayload(file, JOB).length);
    }

    @Test
    void aFileOfAnotherJobIsRefusedAsForeign() throws IOException
    {
        final Path file = dir.resolve("node-0.part");
        CheckpointFile.write(file, full(1, 0), random(100, 3), false);
        final CheckpointFileException ex = assertThrows(CheckpointFileException.class,
            () -> CheckpointFile.verify(file, JOB + 1));
        assertTrue(ex.getMessage().contains("belongs to job " + Long.toHexString(JOB)), ex.getMessage());
        assertEquals(file, ex.file());
        CheckpointFile.verify(file, 0); // 0: any job's file, for listing
    }

    @Test
    void aFileThatIsNoCheckpointIsRefused() throws IOException
    {
        final Path file = dir.resolve("node-0.part");
        Files.write(file, random(500, 4));
        final CheckpointFileException ex = assertThrows(CheckpointFileException.class,
            () -> CheckpointFile.verify(file, JOB));
        assertTrue(ex.getMessage().startsWith(file + ": not an ssi-java checkpoint file"), ex.getMessage());
        Files.write(file, new byte[0]);
        assertTrue(assertThrows(CheckpointFileException.class, () -> CheckpointFile.readHeader(file)).getMessage()
            .endsWith("empty"));
        final Path missing = dir.resolve("none.part");
        assertTrue(assertThrows(CheckpointFileException.class, () -> CheckpointFile.verify(missing, JOB))
            .getMessage().endsWith("missing"));
    }

    @Test
    void aFileOfAnotherFormatVersionIsRefusedWithBothVersions() throws IOException
    {
        final Path file = dir.resolve("node-0.part");
        CheckpointFile.write(file, full(1, 0), random(100, 5), false);
        final byte[] bytes = Files.readAllBytes(file);
        ByteBuffer.wrap(bytes).putInt(CheckpointFile.MAGIC.length, 9);
        Files.write(file, bytes);
        final String why = assertThrows(CheckpointFileException.class, () -> CheckpointFile.verify(file, JOB))
            .getMessage();
        assertTrue(why.contains("format 9") && why.contains("reads format " + CheckpointFile.FORMAT_VERSION), why);
    }

    @Test
    void everyTruncationIsRefused() throws IOException
    {
        final Path file = dir.resolve("node-0.part");
        CheckpointFile.write(file, full(1, 0), random(5000, 6), false);
        final byte[] whole = Files.readAllBytes(file);
        for (final int keep : new int[] {1, 20, CheckpointFile.HEADER_BYTES, CheckpointFile.HEADER_BYTES + 7, 3000,
            whole.length - CheckpointFile.TRAILER_BYTES, whole.length - 1})
        {
            final Path cut = dir.resolve("cut-" + keep + ".part");
            Files.write(cut, Arrays.copyOf(whole, keep));
            final CheckpointFileException ex = assertThrows(CheckpointFileException.class,
                () -> CheckpointFile.verify(cut, JOB), "cut to " + keep + " bytes");
            assertTrue(ex.getMessage().startsWith(cut.toString()), ex.getMessage());
        }
    }

    @Test
    void aFlippedBitAnywhereIsRefused() throws IOException
    {
        final Path file = dir.resolve("node-0.part");
        CheckpointFile.write(file, full(1, 0), random(5000, 7), false);
        final byte[] whole = Files.readAllBytes(file);
        for (int at = 0; at < whole.length; at += 97)
        {
            final byte[] bad = whole.clone();
            bad[at] ^= 0x10;
            final Path damaged = dir.resolve("damaged.part");
            Files.write(damaged, bad);
            final int where = at;
            assertThrows(CheckpointFileException.class, () -> CheckpointFile.verify(damaged, JOB),
                () -> "byte " + where + " flipped");
        }
        final byte[] bad = whole.clone();
        bad[CheckpointFile.HEADER_BYTES + 100] ^= 1;
        Files.write(file, bad);
        final String why = assertThrows(CheckpointFileException.class, () -> CheckpointFile.verify(file, JOB))
            .getMessage();
        assertTrue(why.contains("payload's checksum does not match"), why);
    }

    @Test
    void aWriterThatFailsLeavesNoFileBehind() throws IOException
    {
        final Path file = dir.resolve("node-0.part");
        CheckpointFile.write(file, full(1, 0), random(10, 8), false);
        final IOException ex = assertThrows(IOException.class, () -> CheckpointFile.write(file, full(2, 0), out ->
        {
            out.write(random(100_000, 9));
            throw new IOException("capture failed");
        }, false));
        assertEquals("capture failed", ex.getMessage());
        assertEquals(1, CheckpointFile.verify(file, JOB).checkpoint(), "the older file is still there, whole");
        assertFalse(Files.exists(dir.resolve("node-0.part.tmp")));
    }

    @Test
    void headersThatCannotBeAreRejected()
    {
        assertThrows(IllegalArgumentException.class,
            () -> new CheckpointFile.Header(JOB, 0, 0, 0, 1, CheckpointFile.Kind.FULL, 0));
        assertThrows(IllegalArgumentException.class,
            () -> new CheckpointFile.Header(JOB, 3, 0, 3, 3, CheckpointFile.Kind.FULL, 0));
        assertThrows(IllegalArgumentException.class,
            () -> new CheckpointFile.Header(JOB, 3, 3, 0, 3, CheckpointFile.Kind.INCREMENTAL, 0));
        assertThrows(IllegalArgumentException.class,
            () -> new CheckpointFile.Header(JOB, 3, 2, 0, 3, CheckpointFile.Kind.FULL, 0));
        new CheckpointFile.Header(JOB, 3, 2, 0, 3, CheckpointFile.Kind.INCREMENTAL, 0);
    }

    @Test
    void aCommitRecordRoundTripsAndIsToldApartFromAPart() throws IOException
    {
        final Path file = dir.resolve("commit");
        final CommitRecord r = new CommitRecord(JOB, 4, "M", new long[] {100, 200, 300}, 12, 340, 5,
            77, 3, 4096, 1_700_000_000_000L);
        r.write(file, false);
        final CommitRecord back = CommitRecord.read(file, JOB);
        assertEquals(4, back.checkpoint());
        assertEquals(4096, back.printed());
        assertEquals("M", back.level());
        assertArrayEquals(new long[] {100, 200, 300}, back.partBytes());
        assertEquals(600, back.totalBytes());
        assertEquals(12, back.pauseMillis());
        assertEquals(340, back.writeMillis());
        assertEquals(5, back.threads());
        assertEquals(77, back.objects());
        assertEquals(3, back.base());
        final Path part = dir.resolve("node-0.part");
        CheckpointFile.write(part, full(4, 0), new byte[3], false);
        assertThrows(CheckpointFileException.class, () -> CommitRecord.read(part, JOB));
    }

    /** The stream belongs to the writer: a payload that closes it does not cut the file short. */
    @Test
    void aPayloadThatClosesItsStreamStillGetsItsTrailer() throws IOException
    {
        final Path file = dir.resolve("node-0.part");
        CheckpointFile.write(file, full(1, 0), (OutputStream out) ->
        {
            out.write(new byte[] {1, 2, 3});
            out.close();
        }, false);
        assertArrayEquals(new byte[] {1, 2, 3}, CheckpointFile.readPayload(file, JOB));
    }
}
