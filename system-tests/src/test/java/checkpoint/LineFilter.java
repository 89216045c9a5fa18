package checkpoint;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileReader;
import java.io.FileWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * Copies a text file line by line, transformed, to another file, as a batch job does: a checkpoint taken meanwhile
 * holds the open reader and writer, and a restore must go on reading and writing where they were. Prints its
 * progress, then the output's size and checksum.
 *
 * Arguments: IN OUT
 */
public class LineFilter {

    static String transform(String line, int n) {
        StringBuilder sb = new StringBuilder(line.length() + 8);
        sb.append(n).append(": ");
        for (int i = line.length() - 1; i >= 0; i--) {
            sb.append(line.charAt(i));
        }
        return sb.toString();
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int lines = 0;
        try (BufferedReader in = new BufferedReader(new FileReader(args[0], StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(new BufferedWriter(new FileWriter(args[1], StandardCharsets.UTF_8)))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines++;
                out.println(transform(line, lines));
                if (lines % 250 == 0) {
                    System.out.println("lines " + lines);
                    Thread.sleep(10);
                }
            }
        }
        byte[] written = Files.readAllBytes(Path.of(args[1]));
        CRC32 crc = new CRC32();
        crc.update(written);
        System.out.println("done: " + lines + " lines, " + written.length + " bytes written, crc " + crc.getValue());
    }
}
