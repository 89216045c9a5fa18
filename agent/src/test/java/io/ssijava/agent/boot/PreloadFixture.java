package io.ssijava.agent.boot;

/** A main class with nested classes, for {@link ProgramPreloadTest}: initializing any of them sets a property. */
final class PreloadFixture {

    static final String INITIALIZED = "ssi.test.preloadFixture.initialized";

    static {
        System.setProperty(INITIALIZED, "PreloadFixture");
    }

    private PreloadFixture() {
    }

    static final class Nested {
        static {
            System.setProperty(INITIALIZED, "Nested");
        }
    }

    final class Inner {
        int value() {
            return 1;
        }
    }

    interface Callback {
        String NAME = String.valueOf(System.setProperty(INITIALIZED, "Callback"));
    }
}
