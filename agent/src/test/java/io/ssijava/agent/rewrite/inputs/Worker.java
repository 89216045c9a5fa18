package io.ssijava.agent.rewrite.inputs;

public class Worker extends Thread
{
    public volatile boolean ran;

    @Override
    public void run()
    {
        ran = true;
    }
}
