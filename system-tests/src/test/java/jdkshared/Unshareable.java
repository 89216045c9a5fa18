package jdkshared;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Shares a JDK object that ssi-java cannot keep consistent across nodes (an IdentityHashMap) by
 * handing it to a thread: under plain java the thread reads it; on a cluster the thread on
 * another node must get a clear error naming the class and the field it was reached through,
 * never a silently empty or stale map.
 */
public final class Unshareable {

    /** What the thread is given. */
    static final class Holder {
        final Map<Object, String> registry = new IdentityHashMap<>();
    }

    private Unshareable() {
    }

    public static void main(String[] args) throws InterruptedException {
        Where.init();
        Holder holder = new Holder();
        holder.registry.put(new Object(), "one");
        Thread t = Where.start("reader", () -> System.out.println("registry size " + holder.registry.size()));
        t.join();
        System.out.println("done");
    }
}
