package io.ssijava.agent.jit;

import org.objectweb.asm.ClassReader;

import java.util.HashMap;
import java.util.Map;

/** The bytecode length of each method of a class file, the size the JIT's inlining heuristics judge it by. */
final class CodeSizes
{
    private CodeSizes()
    {
    }

    /**
     * @param classFile a valid class file.
     * @return name + descriptor -> length of its code, for every method that has code.
     */
    static Map<String, Integer> of(final byte[] classFile)
    {
        final ClassReader cr = new ClassReader(classFile);
        final char[] buf = new char[cr.getMaxStringLength()];
        int p = cr.header + 6;
        p += 2 + 2 * cr.readUnsignedShort(p);
        // fields: access, name, descriptor, attributes
        int n = cr.readUnsignedShort(p);
        p += 2;
        for (int i = 0; i < n; i++)
        {
            p = skipAttributes(cr, p + 6);
        }
        final Map<String, Integer> out = new HashMap<>();
        n = cr.readUnsignedShort(p);
        p += 2;
        for (int i = 0; i < n; i++)
        {
            final String name = cr.readUTF8(p + 2, buf) + cr.readUTF8(p + 4, buf);
            int a = p + 8;
            for (int k = cr.readUnsignedShort(p + 6); k > 0; k--)
            {
                if ("Code".equals(cr.readUTF8(a, buf)))
                {
                    // u2 max_stack, u2 max_locals, u4 code_length
                    out.put(name, cr.readInt(a + 10));
                }
                a += 6 + cr.readInt(a + 2);
            }
            p = a;
        }
        return out;
    }

    private static int skipAttributes(final ClassReader cr, final int at)
    {
        int p = at + 2;
        for (int k = cr.readUnsignedShort(at); k > 0; k--)
        {
            p += 6 + cr.readInt(p + 2);
        }
        return p;
    }
}
