package io.ssijava.checkpoint.files;

import io.ssijava.dsm.SsiException;
import io.ssijava.dsm.WireIn;
import io.ssijava.dsm.WireOut;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileInputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Open files kept by a capture's table and reopened from it: readers go on with the next char, writers with the
 * next byte (the file cut back to where the capture found it), and what cannot be reopened is named.
 */
class OpenFilesTest
{
    @TempDir
    Path dir;

    /** Writes the table and reads it back as the part of node 3. */
    private static ReopenedFiles roundTrip(final OpenFiles table) throws IOException
    {
        final WireOut out = new WireOut(1024);
        table.write(out, false);
        final ReopenedFiles back = new ReopenedFiles();
        back.read(3, new WireIn(out.toBytes()));
        return back;
    }

    private Path text(final String name, final int lines) throws IOException
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++)
        {
            sb.append(i).append(i % 3 == 0 ? " \u00e9t\u00e9 \u20ac \ud83d\ude00" : " x").append('\n');
        }
        return Files.writeString(dir.resolve(name), sb.toString());
    }

    @Test
    void readersGoOnWithTheNextCharAndStreamsWithTheNextByte() throws IOException
    {
        final Path in = text("in.txt", 5000);
        try (BufferedReader reader = new BufferedReader(new FileReader(in.toFile(), StandardCharsets.UTF_8), 100);
             BufferedReader overStream = new BufferedReader(new InputStreamReader(new FileInputStream(in.toFile()),
                 StandardCharsets.UTF_8));
             BufferedInputStream bytes = new BufferedInputStream(new FileInputStream(in.toFile()));
             RandomAccessFile random = new RandomAccessFile(in.toFile(), "r"))
        {
            for (int i = 0; i < 1234; i++)
            {
                reader.readLine();
                overStream.readLine();
            }
            reader.read(); // mid-line
            bytes.readNBytes(777);
            random.seek(4321);
            final OpenFiles table = new OpenFiles();
            final List<Object> open = List.of(reader, overStream, bytes, random);
            for (final Object o : open)
            {
                table.indexOf(o);
            }
            assertEquals(0, table.indexOf(reader), "a value keeps its index");
            final ReopenedFiles back = roundTrip(table);
            final BufferedReader reader2 = (BufferedReader)back.valueAt(3, 0);
            assertSame(reader2, back.valueAt(3, 0), "one object for every reference");
            assertNotSame(reader, reader2);
            final BufferedReader overStream2 = (BufferedReader)back.valueAt(3, 1);
            final BufferedInputStream bytes2 = (BufferedInputStream)back.valueAt(3, 2);
            final RandomAccessFile random2 = (RandomAccessFile)back.valueAt(3, 3);
            try (reader2; overStream2; bytes2; random2)
            {
                String line;
                while ((line = reader.readLine()) != null)
                {
                    assertEquals(line, reader2.readLine());
                }
                assertEquals(null, reader2.readLine());
                while ((line = overStream.readLine()) != null)
                {
                    assertEquals(line, overStream2.readLine());
                }
                assertEquals(null, overStream2.readLine());
                assertEquals(new String(bytes.readAllBytes(), StandardCharsets.ISO_8859_1),
                    new String(bytes2.readAllBytes(), StandardCharsets.ISO_8859_1));
                assertEquals(4321, random2.getFilePointer());
            }
        }
    }

    @Test
    void writersAreFlushedAndTheirFilesCutBackToWhereTheCaptureFoundThem() throws IOException
    {
        final Path file = dir.resolve("out.txt");
        final Path printed = dir.resolve("ps.txt");
        final Path buffered = dir.resolve("bw.txt");
        final OpenFiles table = new OpenFiles();
        final ReopenedFiles back;
        try (PrintWriter out = new PrintWriter(new FileWriter(file.toFile(), StandardCharsets.UTF_8));
             PrintStream ps = new PrintStream(Files.newOutputStream(printed), false, StandardCharsets.UTF_8);
             BufferedWriter bw = Files.newBufferedWriter(buffered))
        {
            out.print("before the checkpoint \u20ac\n");
            ps.print("before\n");
            bw.write("before\n");
            table.indexOf(out);
            table.indexOf(ps);
            table.indexOf(bw);
            back = roundTrip(table);
            assertTrue(back.notReopenable().isEmpty(), back.notReopenable().toString());
            out.print("after it, by the run that failed\n");
            ps.print("after it, by the run that failed\n");
            bw.write("after it, by the run that failed\n");
        }
        try (PrintWriter out = (PrintWriter)back.valueAt(3, 0);
             PrintStream ps = (PrintStream)back.valueAt(3, 1);
             BufferedWriter bw = (BufferedWriter)back.valueAt(3, 2))
        {
            out.print("after it, again\n");
            ps.print("after it, again\n");
            bw.write("after it, again\n");
        }
        assertEquals("before the checkpoint \u20ac\nafter it, again\n", Files.readString(file));
        assertEquals("before\nafter it, again\n", Files.readString(printed));
        assertEquals("before\nafter it, again\n", Files.readString(buffered));
    }

    @Test
    void aClosedValueComesBackClosedAndAnInputFileThatChangedIsRefusedByName() throws IOException
    {
        final Path in = text("in.txt", 10);
        final OpenFiles table = new OpenFiles();
        final FileInputStream closed = new FileInputStream(in.toFile());
        closed.close();
        table.indexOf(closed);
        final FileInputStream open = new FileInputStream(in.toFile());
        table.indexOf(open);
        final ReopenedFiles back = roundTrip(table);
        open.close();
        final FileInputStream closed2 = (FileInputStream)back.valueAt(3, 0);
        assertThrows(IOException.class, closed2::read);
        Files.setLastModifiedTime(in, FileTime.fromMillis(Files.getLastModifiedTime(in).toMillis() - 60_000));
        final SsiException e = assertThrows(SsiException.class, () -> back.valueAt(3, 1));
        assertTrue(e.getMessage().contains(in.toString()) && e.getMessage().contains("changed since the checkpoint"),
            e.getMessage());
    }

    @Test
    void anOpenSocketIsNamedAsWhatCannotBeOpenedAgainAndStrictModeRefusesIt() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            final OpenFiles table = new OpenFiles();
            table.indexOf(socket);
            assertEquals(-1, table.indexOf("a string"));
            final WireOut out = new WireOut(256);
            final String refused = table.write(out, true);
            assertTrue(refused.contains("java.net.ServerSocket"), refused);
            final ReopenedFiles back = new ReopenedFiles();
            back.read(1, new WireIn(out.toBytes()));
            assertEquals(1, back.notReopenable().size());
            assertTrue(back.notReopenable().get(0).startsWith("node 1's part holds a java.net.ServerSocket"),
                back.notReopenable().toString());
        }
    }
}
