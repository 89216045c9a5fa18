package io.ssijava.checkpoint.files;

/** What one object of an open file's chain of streams and readers is, as a checkpoint keeps it. */
enum Layer
{
    /** A {@code FileInputStream}: path, offset, and the file's size and time of change when kept. */
    FILE_INPUT,
    /** A {@code FileOutputStream}: path and offset. */
    FILE_OUTPUT,
    /** A {@code RandomAccessFile} opened to read only: path and offset. */
    RANDOM_ACCESS_READ,
    /** A {@code BufferedInputStream}: its size and the bytes read ahead, not yet taken. */
    BUFFERED_INPUT,
    /** An {@code InputStreamReader}: the charset, the bytes read and not yet decoded, a decoded char left over. */
    INPUT_READER,
    /** A {@code FileReader}: as {@link #INPUT_READER}, over its own {@code FileInputStream}. */
    FILE_READER,
    /** A {@code BufferedReader}: its size, the chars read ahead and not yet taken, and whether a '\n' is skipped. */
    BUFFERED_READER,
    /** A {@code BufferedOutputStream} (flushed): its size. */
    BUFFERED_OUTPUT,
    /** An {@code OutputStreamWriter} (flushed): the charset. */
    OUTPUT_WRITER,
    /** A {@code FileWriter} (flushed): the charset, over its own {@code FileOutputStream}. */
    FILE_WRITER,
    /** A {@code BufferedWriter} (flushed): its size. */
    BUFFERED_WRITER,
    /** A {@code PrintWriter} (flushed): whether it flushes on each line. */
    PRINT_WRITER,
    /** A {@code PrintStream} (flushed): whether it flushes on each line, and the charset. */
    PRINT_STREAM,
    /** {@code Files.newInputStream}'s stream on a file's channel: path, offset, size and time of change. */
    CHANNEL_INPUT,
    /** {@code Files.newOutputStream}'s stream on a file's channel: path and offset. */
    CHANNEL_OUTPUT
}
