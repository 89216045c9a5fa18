package litmus;

import java.util.ArrayList;
import java.util.List;

/**
 * wait/notifyAll across nodes. Part 1: several threads wait on one monitor until main sets a
 * value and calls notifyAll; every waiter must wake up and see the value. Part 2: two threads
 * take turns through wait/notifyAll (ping-pong) a fixed number of times.
 */
public final class WaitNotify {

    static final int WAITERS = 3;
    static final int TURNS = 20;

    static final class Gate {
        boolean open;
        String message;
        final String[] seen = new String[WAITERS];
    }

    static final class Table {
        int turn; // whose turn: 0 or 1
        int moves;
        final char[] log = new char[2 * TURNS];
    }

    private WaitNotify() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        List<String> failures = new ArrayList<>();

        // Part 1: one notifyAll wakes waiters on every node.
        Gate gate = new Gate();
        Thread[] waiters = new Thread[WAITERS];
        for (int i = 0; i < WAITERS; i++) {
            final int w = i;
            waiters[i] = new Thread(() -> {
                Where.report("waiter " + w);
                synchronized (gate) {
                    while (!gate.open) {
                        try {
                            gate.wait();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                    gate.seen[w] = gate.message;
                }
            }, "waiter-" + i);
            waiters[i].start();
        }
        Thread.sleep(200); // let them get to wait() (not needed for correctness)
        synchronized (gate) {
            gate.message = "the gate is open";
            gate.open = true;
            gate.notifyAll();
        }
        for (Thread t : waiters) {
            t.join();
        }
        for (int i = 0; i < WAITERS; i++) {
            if (!"the gate is open".equals(gate.seen[i])) {
                failures.add("waiter " + i + " saw message [" + gate.seen[i] + "]");
            }
        }

        // Part 2: ping-pong.
        Table table = new Table();
        Thread[] players = new Thread[2];
        for (int p = 0; p < 2; p++) {
            final int me = p;
            players[p] = new Thread(() -> {
                Where.report("player " + me);
                for (int k = 0; k < TURNS; k++) {
                    synchronized (table) {
                        while (table.turn != me) {
                            try {
                                table.wait();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                        table.log[table.moves] = me == 0 ? 'A' : 'B';
                        table.moves++;
                        table.turn = 1 - me;
                        table.notifyAll();
                    }
                }
            }, "player-" + p);
        }
        players[0].start();
        players[1].start();
        players[0].join();
        players[1].join();
        String want = "AB".repeat(TURNS);
        String log = new String(table.log, 0, Math.min(table.moves, table.log.length));
        if (table.moves != 2 * TURNS || !want.equals(log)) {
            failures.add("ping-pong: moves=" + table.moves + " log=" + log + ", expected moves=" + 2 * TURNS
                    + " log=" + want);
        }
        System.out.println("waiters woken: " + WAITERS + ", ping-pong moves: " + table.moves);
        Where.verdict(failures);
    }
}
