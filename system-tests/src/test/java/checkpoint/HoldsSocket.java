package checkpoint;

import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Keeps a listening socket open while it works for a while: a checkpoint can only describe the socket, and a restore
 * cannot open it again.
 *
 * Arguments: MILLISECONDS
 */
public class HoldsSocket {
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            long end = System.nanoTime() + Long.parseLong(args[0]) * 1_000_000L;
            int rounds = 0;
            while (System.nanoTime() < end) {
                Thread.sleep(5);
                rounds++;
            }
            System.out.println("listened: " + (server.getLocalPort() > 0) + ", worked: " + (rounds > 0));
        }
    }
}
