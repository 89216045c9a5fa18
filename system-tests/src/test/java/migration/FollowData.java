package migration;

/**
 * A reader whose data lives where another thread made it. The owner thread allocates the rows and the barrier, then
 * rewrites every row each round; the reader sums them each round. Started spread over two nodes, the owner runs on
 * node 1 and the reader on node 0, where every round faults every row from node 1: the follow-data placement policy
 * should move the reader to node 1, and nothing should move it back.
 */
public class FollowData {
    static final class Barrier {
        private final int parties;
        private int waiting;
        private long generation;

        Barrier(int parties) {
            this.parties = parties;
        }

        synchronized void await() throws InterruptedException {
            long mine = generation;
            if (++waiting == parties) {
                waiting = 0;
                generation++;
                notifyAll();
                return;
            }
            while (generation == mine) {
                wait();
            }
        }
    }

    static final class Handoff {
        int[][] rows;
        Barrier barrier;

        synchronized void publish(int[][] r, Barrier b) {
            rows = r;
            barrier = b;
            notifyAll();
        }

        synchronized int[][] awaitRows() throws InterruptedException {
            while (rows == null) {
                wait();
            }
            return rows;
        }
    }

    public static void main(String[] args) throws InterruptedException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int rowCount = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        Handoff handoff = new Handoff();
        long[] sums = new long[1];
        Thread owner = new Thread(() -> {
            int[][] rows = new int[rowCount][256];
            Barrier barrier = new Barrier(2);
            handoff.publish(rows, barrier);
            try {
                for (int k = 0; k < rounds; k++) {
                    for (int i = 0; i < rows.length; i++) {
                        for (int j = 0; j < rows[i].length; j++) {
                            rows[i][j] = (k * 31 + i * 7 + j) % 1009;
                        }
                    }
                    barrier.await(); // rows written
                    barrier.await(); // rows read
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "owner");
        Thread reader = new Thread(() -> {
            try {
                int[][] rows = handoff.awaitRows();
                Barrier barrier;
                synchronized (handoff) {
                    barrier = handoff.barrier;
                }
                long total = 0;
                for (int k = 0; k < rounds; k++) {
                    barrier.await();
                    long sum = 0;
                    for (int[] row : rows) {
                        for (int v : row) {
                            sum += v;
                        }
                    }
                    total = total * 17 + sum;
                    barrier.await();
                }
                sums[0] = total;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "reader");
        owner.start();
        reader.start();
        owner.join();
        reader.join();
        System.out.println("rounds " + rounds + ", rows " + rowCount + ", total " + sums[0]);
    }
}
