package io.ssijava.agent.boot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ProgramPreloadTest {

    private static final String FIXTURE = PreloadFixture.class.getName();

    @Test
    void loadsTheMainClassAndTheClassesNestedInItWithoutInitializingAny() {
        System.clearProperty(PreloadFixture.INITIALIZED);
        Recording loader = new Recording();
        ProgramPreload.load(FIXTURE, loader);
        assertEquals(Set.of(FIXTURE, FIXTURE + "$Nested", FIXTURE + "$Inner", FIXTURE + "$Callback"), loader.defined);
        assertNull(System.getProperty(PreloadFixture.INITIALIZED), "no class was initialized");
    }

    @Test
    void aClassThatCannotBeLoadedIsLeftForTheProgramToFailOn() {
        Recording loader = new Recording();
        ProgramPreload.load("io.ssijava.agent.boot.NoSuchMain", loader);
        assertEquals(Set.of(), loader.defined);
    }

    @Test
    @Timeout(30)
    void loadsInADaemonThreadOfItsOwnAndNothingWithoutAMainClass() throws InterruptedException {
        assertNull(ProgramPreload.start(null));
        Thread t = ProgramPreload.start(FIXTURE);
        assertEquals(List.of(true, "ssi-preload"), List.of(t.isDaemon(), t.getName()));
        t.join();
    }

    /** Defines the fixture's classes itself (so that it sees them loaded) and leaves the rest to its parent. */
    private static final class Recording extends ClassLoader {

        final Set<String> defined = ConcurrentHashMap.newKeySet();

        Recording() {
            super(ProgramPreloadTest.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(FIXTURE) && !name.startsWith("io.ssijava.agent.boot.NoSuch")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c != null) {
                    return c;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    if (in == null) {
                        throw new ClassNotFoundException(name);
                    }
                    byte[] bytes = in.readAllBytes();
                    c = defineClass(name, bytes, 0, bytes.length);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
                defined.add(name);
                return c;
            }
        }
    }
}
