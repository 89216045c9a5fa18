package io.ssijava.launcher;

/**
 * A problem the user can fix on the command line or in the environment: bad flags, a missing
 * agent jar, a java that cannot be started. The launcher prints the message (prefixed
 * {@code ssi-java: }) on stderr and exits with {@link #exitCode()}.
 */
public final class UsageException extends Exception {

    /** Exit status for command-line and set-up errors, as many Unix tools use. */
    public static final int EXIT_USAGE = 2;

    private static final long serialVersionUID = 1L;

    private final boolean showUsage;

    /**
     * Creates the exception.
     *
     * @param message   what is wrong, without the {@code ssi-java: } prefix
     * @param showUsage whether the short usage synopsis should follow the message (true for
     *                  command-line mistakes, false for environment problems)
     */
    public UsageException(String message, boolean showUsage) {
        super(message);
        this.showUsage = showUsage;
    }

    /**
     * Whether the usage synopsis should be printed after the message.
     *
     * @return true for command-line mistakes
     */
    public boolean showUsage() {
        return showUsage;
    }

    /**
     * The exit status the launcher should end with.
     *
     * @return {@value #EXIT_USAGE}
     */
    public int exitCode() {
        return EXIT_USAGE;
    }
}
