package checkpoint;

/**
 * A program whose main method begins late: its class takes a while to initialize. Then main works in steps,
 * printing one line per step.
 *
 * Arguments: none
 */
public class LateStart {
    static final long SEED = mix(1, 300_000_000L);

    public static void main(String[] args) {
        long h = SEED;
        for (int step = 0; step < 40; step++) {
            h = mix(h, 20_000_000L);
            System.out.println("step " + step + ": " + Long.toHexString(h));
        }
    }

    private static long mix(long x, long rounds) {
        for (long i = 0; i < rounds; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
        }
        return x;
    }
}
