package io.ssijava.agent.rewrite.inputs;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Exercises the language features that the rewriter touches; its result must not change by rewriting. */
public final class Scenario
{
    private Scenario()
    {
    }

    public static String run() throws Exception
    {
        final StringBuilder sb = new StringBuilder();
        final Outer o = new Outer();
        final Outer.Inner in = o.new Inner(2);
        sb.append(in.peek()).append(',').append(in.peek()).append(',').append(o.viaAnonymous(3)).append(',')
            .append(o.viaLocalClass()).append(',').append(new Outer.Nested().v).append(';');

        for (final Op op : Op.values())
        {
            sb.append(op).append('=').append(op.apply(6, 7)).append(',');
        }
        sb.append(Color.RED.next()).append(Color.BLUE.next()).append(Color.counter).append(',');
        switch (Color.valueOf("GREEN"))
        {
            case RED: sb.append("r"); break;
            case GREEN: sb.append("g"); break;
            default: sb.append("?"); break;
        }
        sb.append(';');

        final Pair p = new Pair(4, "x");
        sb.append(p).append(p.equals(new Pair(4, "x"))).append(p.hashCode() == new Pair(4, "x").hashCode())
            .append(p.twice()).append(Pair.created).append(';');

        final Shape sq = Shape.square(3);
        sb.append(sq.describe()).append(',').append(sq.sumOf(new int[] {1, 2, 3, 4})).append(',')
            .append(Shape.NAMES.size()).append(';');

        final Map<Object, Integer> ids = new IdentityHashMap<>();
        final Map<Object, Integer> hashes = new HashMap<>();
        final List<Plain> plains = new ArrayList<>();
        for (int i = 0; i < 20; i++)
        {
            final Plain pl = new Plain();
            plains.add(pl);
            ids.put(pl, i);
            hashes.put(pl, i);
        }
        int found = 0;
        for (int i = 0; i < plains.size(); i++)
        {
            found += ids.get(plains.get(i)) == i && hashes.get(plains.get(i)) == i ? 1 : 0;
        }
        sb.append(found).append(';');

        final AtomicInteger shared = new AtomicInteger();
        final Point counter = new Point();
        final Thread[] ts = new Thread[4];
        for (int i = 0; i < ts.length; i++)
        {
            ts[i] = new Thread(() ->
            {
                for (int k = 0; k < 1000; k++)
                {
                    synchronized (counter)
                    {
                        counter.x++;
                        counter.l += 2;
                    }
                    shared.incrementAndGet();
                }
            });
            ts[i].start();
        }
        for (final Thread t : ts)
        {
            t.join();
        }
        sb.append(counter.x).append(',').append(counter.l).append(',').append(shared.get()).append(';');

        final Worker w = new Worker();
        w.start();
        w.join();
        sb.append(w.ran).append(w.isAlive()).append(';');

        final int[] arr = {5, 3, 9, 1};
        java.util.Arrays.sort(arr);
        final int[] copy = new int[5];
        System.arraycopy(arr, 0, copy, 1, 4);
        final long[] longs = new long[3];
        ArrayOps.incAll(longs);
        sb.append(java.util.Arrays.toString(copy)).append(ArrayOps.sum(arr.clone())).append(longs[2]).append(';');

        final ListSub ls = new ListSub();
        ls.add("a");
        sb.append(ls.bump()).append(ls.size()).append(';');

        final Cl c1 = new Cl();
        c1.v = 9;
        sb.append(c1.copy().v).append(';');
        sb.append(Lambdas.capture("hi").get()).append(Lambdas.methodRef().apply("four"))
            .append(Lambdas.concat("s", 1, 2L, 3.5, null));
        return sb.toString();
    }
}
