package io.ssijava.rt;

/**
 * Implemented by every class the agent rewrites (added to the root of each application class hierarchy).
 * The state word lives in one injected {@code int} field; the agent-generated check reads that field directly,
 * these accessors are only for the runtime's slow paths.
 * <p>
 * Do not use -- for internal use only.
 */
public interface Managed
{
    /**
     * @return the object's state word, see {@link Ssi#RTRAP}, {@link Ssi#WTRAP} and {@link Ssi#SLOT_MASK}.
     */
    int __ssi_state();

    /**
     * @param state the new state word.
     */
    void __ssi_state(int state);
}
