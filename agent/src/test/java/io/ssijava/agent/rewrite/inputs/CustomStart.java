package io.ssijava.agent.rewrite.inputs;

/** Overrides start(): the override must run, and its super.start() must go to the runtime. */
public class CustomStart extends Thread
{
    public volatile int overrideRuns;
    public volatile boolean ran;

    @Override
    public void start()
    {
        overrideRuns++;
        super.start();
    }

    @Override
    public void run()
    {
        ran = true;
    }
}
