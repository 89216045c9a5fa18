package io.ssijava.agent.boot;

/**
 * On a worker node: loads the program's main class and the classes nested in it while the node waits for the
 * cluster, so that the first thread placed here does not wait for them to be read and rewritten (tens of ms each in
 * a JVM that just started). Loading is all it does: no class is initialized, nothing of the program runs, and a
 * class that cannot be loaded is left to fail where the program loads it, as it would anyway.
 */
public final class ProgramPreload {

    private ProgramPreload() {
    }

    /**
     * Starts loading, with the system class loader, in a daemon thread of its own. Call before the node's runtime
     * is installed: a thread started after that is placed like one of the program's.
     *
     * @param mainClass the program's main class, or null (then nothing is loaded)
     * @return the thread, or null if there is nothing to load
     */
    public static Thread start(String mainClass) {
        if (mainClass == null) {
            return null;
        }
        Thread t = new Thread(() -> load(mainClass, ClassLoader.getSystemClassLoader()), "ssi-preload");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Loads the class and its nest members (the classes nested in it), initializing none. */
    static void load(String mainClass, ClassLoader loader) {
        try {
            Class.forName(mainClass, false, loader).getNestMembers();
        } catch (ReflectiveOperationException | LinkageError | SecurityException ex) {
            // a class that cannot be loaded now fails where the program loads it
        }
    }
}
