package io.ssijava.agent.jit;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;

import java.util.ArrayList;
import java.util.List;

/** Reading class files in the tests of the method-body redefinitions. */
final class ClassFiles
{
    private ClassFiles()
    {
    }

    static ClassNode read(final byte[] classFile)
    {
        final ClassNode cn = new ClassNode();
        new ClassReader(classFile).accept(cn, 0);
        return cn;
    }

    /** Access, name and descriptor of every field and method: what a redefinition may not change. */
    static List<String> members(final byte[] classFile)
    {
        final ClassNode cn = read(classFile);
        final List<String> out = new ArrayList<>();
        cn.fields.forEach(f -> out.add(f.access + " " + f.name + f.desc));
        cn.methods.forEach(m -> out.add(m.access + " " + m.name + m.desc));
        return out;
    }
}
