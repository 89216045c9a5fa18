package io.ssijava.agent.metrics;

import io.ssijava.dsm.Node;
import io.ssijava.dsm.NodeMetrics;
import io.ssijava.dsm.NodeMetrics.Metric;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanOperationInfo;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

/**
 * A node's metrics as a read-only MBean of its JVM, {@code io.ssijava:type=Node,job=ID,node=K}: one attribute per
 * metric of {@link NodeMetrics}, named as in the text format, so jconsole or any JMX collector can read them.
 */
public final class NodeMBean implements DynamicMBean
{
    private final Node node;
    private final MBeanInfo info;

    private NodeMBean(final Node node)
    {
        this.node = node;
        final MBeanAttributeInfo[] attributes = new MBeanAttributeInfo[NodeMetrics.ALL.size()];
        for (int i = 0; i < attributes.length; i++)
        {
            final Metric m = NodeMetrics.ALL.get(i);
            attributes[i] = new MBeanAttributeInfo(m.name(), "double", m.help() + " (" +
                m.kind().name().toLowerCase(java.util.Locale.ROOT) + ")", true, false, false);
        }
        this.info = new MBeanInfo(NodeMBean.class.getName(), "an ssi-java node's metrics", attributes, null,
            new MBeanOperationInfo[0], null);
    }

    /**
     * Registers the node's MBean with the platform MBean server.
     *
     * @return its name.
     */
    public static ObjectName register(final Node node, final String job) throws javax.management.JMException
    {
        final ObjectName name = new ObjectName("io.ssijava:type=Node,job=" + ObjectName.quote(job) + ",node=" +
            node.self());
        ManagementFactory.getPlatformMBeanServer().registerMBean(new NodeMBean(node), name);
        return name;
    }

    @Override
    public Object getAttribute(final String attribute) throws AttributeNotFoundException
    {
        final int i = indexOf(attribute);
        if (i < 0)
        {
            throw new AttributeNotFoundException("no metric named " + attribute);
        }
        return NodeMetrics.sample(node)[i];
    }

    @Override
    public AttributeList getAttributes(final String[] attributes)
    {
        final double[] sample = NodeMetrics.sample(node);
        final AttributeList list = new AttributeList();
        for (final String a : attributes)
        {
            final int i = indexOf(a);
            if (i >= 0)
            {
                list.add(new Attribute(a, sample[i]));
            }
        }
        return list;
    }

    private static int indexOf(final String attribute)
    {
        return NodeMetrics.indexOf(attribute);
    }

    @Override
    public void setAttribute(final Attribute attribute) throws AttributeNotFoundException
    {
        throw new AttributeNotFoundException("the metrics are read-only");
    }

    @Override
    public AttributeList setAttributes(final AttributeList attributes)
    {
        return new AttributeList(); // none is writable
    }

    @Override
    public Object invoke(final String actionName, final Object[] params, final String[] signature)
    {
        throw new UnsupportedOperationException("no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo()
    {
        return info;
    }
}
