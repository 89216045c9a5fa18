package io.ssijava.checkpoint.files;

import io.ssijava.dsm.WireIn;
import io.ssijava.dsm.WireOut;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.Reader;
import java.io.Writer;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An open file as a checkpoint keeps it: the chain from the object the program holds (a {@code BufferedReader}, a
 * {@code PrintWriter}...) down to the file, with each layer's state ({@link Layer}): the offset in the file, the bytes
 * and chars read ahead and not yet taken. Writers are flushed first, so nothing of theirs waits in a buffer. The
 * chains are those of {@code java.io}'s file streams, readers and writers, and those {@code Files.newBufferedReader},
 * {@code newBufferedWriter}, {@code newInputStream} and {@code newOutputStream} give.
 * <p>
 * A restore opens the file again at its offset and builds the same chain over it: an input file must be as it was
 * (same size and time of change); an output file is cut back to the offset, so that what the failed run wrote after
 * the checkpoint is written again, once. Sockets, channels, files open for reading and writing, streams on a file
 * descriptor, and classes other than these (a subclass may keep state of its own) cannot be made again: they are
 * kept as a description, and a restore refuses the checkpoint while one of them was open in it.
 */
final class FileChain
{
    /** One layer; which fields mean something depends on its kind. */
    record Part(Layer layer, String path, long offset, long size, long modified, int bufferSize, byte[] pending,
        String charset, int leftover, boolean flag)
    {
    }

    private static final String DEV_NULL = "/dev/null";
    /** The streams of {@code Files.newInputStream} and {@code newOutputStream} (JDK 17's output one, and later). */
    private static final String CHANNEL_IN = "sun.nio.ch.ChannelInputStream";
    private static final Set<String> CHANNEL_OUT = Set.of("sun.nio.ch.ChannelOutputStream",
        "java.nio.channels.Channels$1");

    /** Top first. Empty for a value that cannot be made again. */
    final List<Part> parts;
    /** Closed when kept: made again closed. */
    final boolean closed;
    /** Why it cannot be made again, or null if it can. */
    final String unrestorable;
    /** What it is, for messages. */
    final String what;
    /** The class of the object the program holds. */
    final String type;

    private FileChain(final List<Part> parts, final boolean closed, final String unrestorable, final String what,
        final String type)
    {
        this.parts = parts;
        this.closed = closed;
        this.unrestorable = unrestorable;
        this.what = what;
        this.type = type;
    }

    // ---------------------------------------------------------------- capture

    /**
     * @param v a value of the program's that cannot be shared.
     * @return what a checkpoint keeps of it, or null if it is neither a file nor anything else open (sockets,
     * channels).
     * @throws IOException if a writer cannot be flushed or an offset read.
     */
    static FileChain describe(final Object v) throws IOException
    {
        if (!isOpenable(v))
        {
            return null;
        }
        if (v instanceof Flushable && (v instanceof Writer || v instanceof OutputStream))
        {
            try
            {
                ((Flushable)v).flush();
            }
            catch (final IOException ex)
            {
                if (!closedTop(v))
                {
                    throw new IOException("cannot flush " + v.getClass().getName() + ": " + ex.getMessage(), ex);
                }
            }
        }
        final List<Part> parts = new ArrayList<>();
        final String[] why = new String[1];
        final boolean closed = closedTop(v);
        if (!closed)
        {
            walk(v, parts, why);
        }
        else if (!known(v))
        {
            why[0] = "a closed " + v.getClass().getName();
        }
        final String what = closed ? "a closed " + v.getClass().getName() : why[0] != null ? why[0] :
            describeParts(v, parts);
        return new FileChain(why[0] == null ? parts : List.of(), closed, why[0], what, v.getClass().getName());
    }

    /** @return whether the value is something open (a file, a socket, a channel) that a checkpoint keeps or names. */
    static boolean isOpenable(final Object v)
    {
        return v instanceof Closeable || v instanceof java.net.Socket || v instanceof java.net.ServerSocket;
    }

    private static boolean known(final Object v)
    {
        final Class<?> c = v.getClass();
        return c == FileInputStream.class || c == FileOutputStream.class || c == RandomAccessFile.class ||
            c == BufferedInputStream.class || c == InputStreamReader.class || c == FileReader.class ||
            c == BufferedReader.class || c == BufferedOutputStream.class || c == OutputStreamWriter.class ||
            c == FileWriter.class || c == BufferedWriter.class || c == PrintWriter.class || c == PrintStream.class ||
            c.getName().equals(CHANNEL_IN) || CHANNEL_OUT.contains(c.getName());
    }

    /** @return the channel under {@code Files.newInputStream}'s or {@code newOutputStream}'s stream. */
    private static java.nio.channels.Channel channelOf(final Object v)
    {
        final Class<?> c = v.getClass();
        return (java.nio.channels.Channel)get(v, c, c.getName().endsWith("$1") ? "val$ch" : "ch");
    }

    /** @return the file a channel is open on, or null if it is not a file's channel. */
    private static String pathOf(final java.nio.channels.Channel ch)
    {
        return ch.getClass().getName().equals("sun.nio.ch.FileChannelImpl") ? (String)get(ch, ch.getClass(), "path") :
            null;
    }

    private static String describeParts(final Object v, final List<Part> parts)
    {
        final Part bottom = parts.get(parts.size() - 1);
        return "a " + v.getClass().getSimpleName() + " on " + bottom.path + " at byte " + bottom.offset;
    }

    /** @return whether the outermost object is closed (a closed chain is made again closed, over nothing). */
    private static boolean closedTop(final Object v)
    {
        final Class<?> c = v.getClass();
        if (c == FileInputStream.class || c == FileOutputStream.class || c == RandomAccessFile.class)
        {
            return (Boolean)get(v, c, "closed");
        }
        if (c == BufferedInputStream.class)
        {
            return get(v, BufferedInputStream.class, "buf") == null;
        }
        if (c == InputStreamReader.class || c == FileReader.class)
        {
            final Object sd = get(v, InputStreamReader.class, "sd");
            return (Boolean)get(sd, sd.getClass(), "closed");
        }
        if (c == OutputStreamWriter.class || c == FileWriter.class)
        {
            final Object se = get(v, OutputStreamWriter.class, "se");
            return (Boolean)get(se, se.getClass(), "closed");
        }
        if (c == BufferedReader.class)
        {
            return get(v, BufferedReader.class, "in") == null;
        }
        if (c == BufferedWriter.class)
        {
            return get(v, BufferedWriter.class, "out") == null;
        }
        if (c == PrintWriter.class)
        {
            return get(v, PrintWriter.class, "out") == null;
        }
        if (c == BufferedOutputStream.class || c == PrintStream.class)
        {
            return get(v, FilterOutputStream.class, "out") == null;
        }
        if (c.getName().equals(CHANNEL_IN) || CHANNEL_OUT.contains(c.getName()))
        {
            return !channelOf(v).isOpen();
        }
        return false;
    }

    /** Adds the layers of {@code v} and those under it; sets {@code why[0]} if one cannot be made again. */
    private static void walk(final Object v, final List<Part> parts, final String[] why) throws IOException
    {
        final Class<?> c = v.getClass();
        if (c == FileInputStream.class)
        {
            final String path = (String)get(v, c, "path");
            if (path == null)
            {
                why[0] = "an input stream on a file descriptor (standard input, a pipe)";
                return;
            }
            final Path p = Path.of(path);
            parts.add(new Part(Layer.FILE_INPUT, path, ((FileInputStream)v).getChannel().position(), Files.size(p),
                Files.getLastModifiedTime(p).toMillis(), 0, null, null, -1, false));
        }
        else if (c == FileOutputStream.class)
        {
            final String path = (String)get(v, c, "path");
            if (path == null)
            {
                why[0] = "an output stream on a file descriptor (standard output, a pipe)";
                return;
            }
            parts.add(new Part(Layer.FILE_OUTPUT, path, ((FileOutputStream)v).getChannel().position(), 0, 0, 0,
                null, null, -1, false));
        }
        else if (c == RandomAccessFile.class)
        {
            final String path = (String)get(v, c, "path");
            if ((Boolean)get(v, c, "rw") || path == null)
            {
                why[0] = "a file open for reading and writing (" + path + "): what was written to it after the " +
                    "checkpoint could not be undone";
                return;
            }
            final Path p = Path.of(path);
            parts.add(new Part(Layer.RANDOM_ACCESS_READ, path, ((RandomAccessFile)v).getFilePointer(), Files.size(p),
                Files.getLastModifiedTime(p).toMillis(), 0, null, null, -1, false));
        }
        else if (c == BufferedInputStream.class)
        {
            final byte[] buf = (byte[])get(v, c, "buf");
            final int pos = (Integer)get(v, c, "pos");
            final int count = (Integer)get(v, c, "count");
            parts.add(new Part(Layer.BUFFERED_INPUT, null, 0, 0, 0, buf.length,
                java.util.Arrays.copyOfRange(buf, pos, Math.max(pos, count)), null, -1, false));
            walk(get(v, FilterInputStream.class, "in"), parts, why);
        }
        else if (c == InputStreamReader.class || c == FileReader.class)
        {
            final Object sd = get(v, InputStreamReader.class, "sd");
            final Class<?> d = sd.getClass();
            final ByteBuffer bb = ((ByteBuffer)get(sd, d, "bb")).duplicate();
            final byte[] pending = new byte[bb.remaining()];
            bb.get(pending);
            final boolean leftover = (Boolean)get(sd, d, "haveLeftoverChar");
            final InputStream in = (InputStream)get(sd, d, "in");
            if (in == null)
            {
                why[0] = "a reader on a channel";
                return;
            }
            parts.add(new Part(c == FileReader.class ? Layer.FILE_READER : Layer.INPUT_READER, null, 0, 0, 0, 0,
                pending, ((Charset)get(sd, d, "cs")).name(), leftover ? (Character)get(sd, d, "leftoverChar") : -1,
                false));
            walk(in, parts, why);
        }
        else if (c == BufferedReader.class)
        {
            final char[] cb = (char[])get(v, c, "cb");
            final int next = (Integer)get(v, c, "nextChar");
            final int n = (Integer)get(v, c, "nChars");
            final String ahead = new String(cb, next, Math.max(0, n - next));
            parts.add(new Part(Layer.BUFFERED_READER, null, 0, 0, 0, cb.length,
                ahead.getBytes(java.nio.charset.StandardCharsets.UTF_16BE), null, -1, (Boolean)get(v, c, "skipLF")));
            walk(get(v, c, "in"), parts, why);
        }
        else if (c == BufferedOutputStream.class)
        {
            parts.add(new Part(Layer.BUFFERED_OUTPUT, null, 0, 0, 0, ((byte[])get(v, c, "buf")).length, null, null,
                -1, false));
            walk(get(v, FilterOutputStream.class, "out"), parts, why);
        }
        else if (c == OutputStreamWriter.class || c == FileWriter.class)
        {
            final Object se = get(v, OutputStreamWriter.class, "se");
            final OutputStream out = (OutputStream)get(se, se.getClass(), "out");
            if (out == null)
            {
                why[0] = "a writer on a channel";
                return;
            }
            parts.add(new Part(c == FileWriter.class ? Layer.FILE_WRITER : Layer.OUTPUT_WRITER, null, 0, 0, 0, 0,
                null, ((Charset)get(se, se.getClass(), "cs")).name(), -1, false));
            walk(out, parts, why);
        }
        else if (c == BufferedWriter.class)
        {
            parts.add(new Part(Layer.BUFFERED_WRITER, null, 0, 0, 0, ((char[])get(v, c, "cb")).length, null, null,
                -1, false));
            walk(get(v, c, "out"), parts, why);
        }
        else if (c == PrintWriter.class)
        {
            parts.add(new Part(Layer.PRINT_WRITER, null, 0, 0, 0, 0, null, null, -1, (Boolean)get(v, c, "autoFlush")));
            walk(get(v, c, "out"), parts, why);
        }
        else if (c == PrintStream.class)
        {
            parts.add(new Part(Layer.PRINT_STREAM, null, 0, 0, 0, 0, null, charsetOf((PrintStream)v).name(), -1,
                (Boolean)get(v, c, "autoFlush")));
            walk(get(v, FilterOutputStream.class, "out"), parts, why);
        }
        else if (c.getName().equals(CHANNEL_IN) || CHANNEL_OUT.contains(c.getName()))
        {
            final java.nio.channels.Channel ch = channelOf(v);
            final String path = pathOf(ch);
            if (path == null)
            {
                why[0] = "a stream on a " + ch.getClass().getName();
                return;
            }
            final long offset = ((FileChannel)ch).position();
            if (c.getName().equals(CHANNEL_IN))
            {
                final Path p = Path.of(path);
                parts.add(new Part(Layer.CHANNEL_INPUT, path, offset, Files.size(p),
                    Files.getLastModifiedTime(p).toMillis(), 0, null, null, -1, false));
            }
            else
            {
                parts.add(new Part(Layer.CHANNEL_OUTPUT, path, offset, 0, 0, 0, null, null, -1, false));
            }
        }
        else if (v == System.out || v == System.err || v == System.in)
        {
            why[0] = "a standard stream under a file stream";
        }
        else
        {
            why[0] = "a " + c.getName() + (v instanceof java.net.Socket ? " (to " +
                ((java.net.Socket)v).getRemoteSocketAddress() + ")" : v instanceof java.net.ServerSocket ? " (on " +
                ((java.net.ServerSocket)v).getLocalSocketAddress() + ")" : "");
        }
    }

    /** {@code PrintStream.charset()}, which JDK 17 lacks: there, its writer's. */
    private static Charset charsetOf(final PrintStream s)
    {
        try
        {
            return (Charset)PrintStream.class.getMethod("charset").invoke(s);
        }
        catch (final ReflectiveOperationException ex)
        {
            final Object w = get(s, PrintStream.class, "charOut");
            final Object se = get(w, OutputStreamWriter.class, "se");
            return (Charset)get(se, se.getClass(), "cs");
        }
    }

    private static Object get(final Object o, final Class<?> c, final String name)
    {
        try
        {
            final Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            return f.get(o);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            throw new IllegalStateException("cannot read " + c.getName() + "." + name + " on this JDK: " + ex, ex);
        }
    }

    private static void set(final Object o, final Class<?> c, final String name, final Object value)
    {
        try
        {
            final Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            f.set(o, value);
        }
        catch (final ReflectiveOperationException | RuntimeException ex)
        {
            throw new IllegalStateException("cannot set " + c.getName() + "." + name + " on this JDK: " + ex, ex);
        }
    }

    // ---------------------------------------------------------------- format

    void write(final WireOut out)
    {
        out.putBoolean(closed).putString(unrestorable == null ? "" : unrestorable).putString(what).putString(type)
            .putInt(parts.size());
        for (final Part p : parts)
        {
            out.putByte(p.layer.ordinal()).putString(p.path == null ? "" : p.path).putLong(p.offset).putLong(p.size)
                .putLong(p.modified).putInt(p.bufferSize).putString(p.charset == null ? "" : p.charset)
                .putInt(p.leftover).putBoolean(p.flag);
            final byte[] pending = p.pending == null ? new byte[0] : p.pending;
            out.putInt(pending.length).putBytes(pending, 0, pending.length);
        }
    }

    static FileChain read(final WireIn in)
    {
        final boolean closed = in.getBoolean();
        final String why = in.getString();
        final String what = in.getString();
        final String type = in.getString();
        final int n = in.getCount(64);
        final List<Part> parts = new ArrayList<>(n);
        final Layer[] layers = Layer.values();
        for (int i = 0; i < n; i++)
        {
            final int kind = in.getByte();
            if (kind < 0 || kind >= layers.length)
            {
                throw new io.ssijava.dsm.WireException("unknown kind of open file " + kind);
            }
            final String path = in.getString();
            final long offset = in.getLong();
            final long size = in.getLong();
            final long modified = in.getLong();
            final int bufferSize = in.getInt();
            final String charset = in.getString();
            final int leftover = in.getInt();
            final boolean flag = in.getBoolean();
            final byte[] pending = in.getBytes();
            parts.add(new Part(layers[kind], path.isEmpty() ? null : path, offset, size, modified, bufferSize,
                pending, charset.isEmpty() ? null : charset, leftover, flag));
        }
        return new FileChain(parts, closed, why.isEmpty() ? null : why, what, type);
    }

    // ---------------------------------------------------------------- restore

    /**
     * Opens the file again and builds the chain over it; a chain that was closed is built over /dev/null and
     * closed.
     *
     * @throws IOException naming the file, if it cannot be, or is no longer as the checkpoint left it.
     */
    Object reopen() throws IOException
    {
        if (unrestorable != null)
        {
            throw new IOException(unrestorable + " cannot be opened again");
        }
        return closed ? closedOfType(type) : build(0);
    }

    private Object build(final int i) throws IOException
    {
        final Part p = parts.get(i);
        switch (p.layer)
        {
            case FILE_INPUT:
            {
                checkInput(p);
                final FileInputStream in = new FileInputStream(p.path);
                in.getChannel().position(p.offset);
                return in;
            }
            case RANDOM_ACCESS_READ:
            {
                checkInput(p);
                final RandomAccessFile f = new RandomAccessFile(p.path, "r");
                f.seek(p.offset);
                return f;
            }
            case FILE_OUTPUT:
                cutBack(p);
                return new FileOutputStream(p.path, true);
            case CHANNEL_INPUT:
            {
                checkInput(p);
                final FileChannel ch = FileChannel.open(Path.of(p.path), StandardOpenOption.READ);
                ch.position(p.offset);
                return java.nio.channels.Channels.newInputStream(ch);
            }
            case CHANNEL_OUTPUT:
            {
                cutBack(p);
                final FileChannel ch = FileChannel.open(Path.of(p.path), StandardOpenOption.WRITE);
                ch.position(p.offset);
                return java.nio.channels.Channels.newOutputStream(ch);
            }
            case BUFFERED_INPUT:
            {
                final BufferedInputStream b = new BufferedInputStream((InputStream)build(i + 1),
                    Math.max(1, p.bufferSize));
                final byte[] buf = new byte[Math.max(p.bufferSize, p.pending.length)];
                System.arraycopy(p.pending, 0, buf, 0, p.pending.length);
                set(b, BufferedInputStream.class, "buf", buf);
                set(b, BufferedInputStream.class, "pos", 0);
                set(b, BufferedInputStream.class, "count", p.pending.length);
                set(b, BufferedInputStream.class, "markpos", -1);
                return b;
            }
            case INPUT_READER:
            case FILE_READER:
            {
                final Charset cs = Charset.forName(p.charset);
                final InputStreamReader r;
                if (p.layer == Layer.FILE_READER)
                {
                    final Part file = parts.get(i + 1);
                    checkInput(file);
                    r = new FileReader(file.path, cs);
                    final Object sd = get(r, InputStreamReader.class, "sd");
                    ((FileInputStream)get(sd, sd.getClass(), "in")).getChannel().position(file.offset);
                }
                else
                {
                    r = new InputStreamReader((InputStream)build(i + 1), cs);
                }
                final Object sd = get(r, InputStreamReader.class, "sd");
                final ByteBuffer bb = (ByteBuffer)get(sd, sd.getClass(), "bb");
                bb.clear();
                bb.put(p.pending);
                bb.flip();
                if (p.leftover >= 0)
                {
                    set(sd, sd.getClass(), "haveLeftoverChar", true);
                    set(sd, sd.getClass(), "leftoverChar", (char)p.leftover);
                }
                return r;
            }
            case BUFFERED_READER:
            {
                final BufferedReader b = new BufferedReader((Reader)build(i + 1), Math.max(1, p.bufferSize));
                final char[] ahead = new String(p.pending, java.nio.charset.StandardCharsets.UTF_16BE).toCharArray();
                final char[] cb = new char[Math.max(p.bufferSize, ahead.length)];
                System.arraycopy(ahead, 0, cb, 0, ahead.length);
                set(b, BufferedReader.class, "cb", cb);
                set(b, BufferedReader.class, "nextChar", 0);
                set(b, BufferedReader.class, "nChars", ahead.length);
                set(b, BufferedReader.class, "skipLF", p.flag);
                return b;
            }
            case BUFFERED_OUTPUT:
                return new BufferedOutputStream((OutputStream)build(i + 1), Math.max(1, p.bufferSize));
            case OUTPUT_WRITER:
                return new OutputStreamWriter((OutputStream)build(i + 1), Charset.forName(p.charset));
            case FILE_WRITER:
            {
                final Part file = parts.get(i + 1);
                cutBack(file);
                return new FileWriter(file.path, Charset.forName(p.charset), true);
            }
            case BUFFERED_WRITER:
                return new BufferedWriter((Writer)build(i + 1), Math.max(1, p.bufferSize));
            case PRINT_WRITER:
                return new PrintWriter((Writer)build(i + 1), p.flag);
            case PRINT_STREAM:
                return new PrintStream((OutputStream)build(i + 1), p.flag, Charset.forName(p.charset));
            default:
                throw new IOException("unknown kind of open file " + p.layer);
        }
    }

    /** An input file must be as the checkpoint saw it: reading it from the offset then goes on as before. */
    private static void checkInput(final Part p) throws IOException
    {
        final Path f = Path.of(p.path);
        if (!Files.isRegularFile(f))
        {
            throw new IOException("the file " + p.path + ", open for reading at byte " + p.offset +
                " when the checkpoint was taken, is gone");
        }
        final long size = Files.size(f);
        final long modified = Files.getLastModifiedTime(f).toMillis();
        if (size != p.size || modified != p.modified)
        {
            throw new IOException("the file " + p.path + ", open for reading at byte " + p.offset + ", changed " +
                "since the checkpoint was taken (" + p.size + " bytes then, " + size + " now" +
                (modified != p.modified ? "; changed at " + java.time.Instant.ofEpochMilli(modified) : "") + ")");
        }
    }

    /** An output file is cut back to the offset: what the stopped run wrote after the checkpoint is written again. */
    private static void cutBack(final Part p) throws IOException
    {
        final Path f = Path.of(p.path);
        if (!Files.exists(f))
        {
            throw new IOException("the file " + p.path + ", open for writing at byte " + p.offset +
                " when the checkpoint was taken, is gone");
        }
        if (Files.isRegularFile(f))
        {
            final long size = Files.size(f);
            if (size < p.offset)
            {
                throw new IOException("the file " + p.path + " is shorter (" + size + " bytes) than when the " +
                    "checkpoint was taken (" + p.offset + " bytes written)");
            }
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE))
            {
                ch.truncate(p.offset);
            }
        }
    }

    /** @return a closed object of the type the chain's top was, for a value that was closed when kept. */
    private static Object closedOfType(final String type) throws IOException
    {
        if (type.equals(CHANNEL_IN) || CHANNEL_OUT.contains(type))
        {
            final Closeable c = type.equals(CHANNEL_IN) ? Files.newInputStream(Path.of(DEV_NULL)) :
                Files.newOutputStream(Path.of(DEV_NULL));
            c.close();
            return c;
        }
        final Closeable c;
        switch (type)
        {
            case "java.io.FileInputStream" -> c = new FileInputStream(DEV_NULL);
            case "java.io.FileOutputStream" -> c = new FileOutputStream(DEV_NULL, true);
            case "java.io.RandomAccessFile" -> c = new RandomAccessFile(DEV_NULL, "r");
            case "java.io.BufferedInputStream" -> c = new BufferedInputStream(new FileInputStream(DEV_NULL));
            case "java.io.InputStreamReader" -> c = new InputStreamReader(new FileInputStream(DEV_NULL));
            case "java.io.FileReader" -> c = new FileReader(DEV_NULL);
            case "java.io.BufferedReader" -> c = new BufferedReader(new FileReader(DEV_NULL));
            case "java.io.BufferedOutputStream" -> c = new BufferedOutputStream(new FileOutputStream(DEV_NULL, true));
            case "java.io.OutputStreamWriter" -> c = new OutputStreamWriter(new FileOutputStream(DEV_NULL, true));
            case "java.io.FileWriter" -> c = new FileWriter(DEV_NULL, true);
            case "java.io.BufferedWriter" -> c = new BufferedWriter(new FileWriter(DEV_NULL, true));
            case "java.io.PrintWriter" -> c = new PrintWriter(new FileWriter(DEV_NULL, true));
            case "java.io.PrintStream" -> c = new PrintStream(new FileOutputStream(DEV_NULL, true));
            default -> throw new IOException("a closed " + type + " cannot be made again");
        }
        c.close();
        return c;
    }
}
