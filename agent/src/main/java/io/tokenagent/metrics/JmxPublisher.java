package io.tokenagent.metrics;

import io.tokenagent.cache.KeyStats;
import io.tokenagent.cache.TokenCache;
import io.tokenagent.config.TokenRequest;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.ToLongFunction;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * Publishes a {@code io.tokenagent:type=TokenKey,...} bean for each cache key after its first fetch, and one
 * {@code io.tokenagent:type=Summary}. Lazily, on the agent's fetch thread: starting the platform MBean server costs
 * tens of milliseconds, which neither {@code premain} nor a waiting request should pay.
 */
public final class JmxPublisher implements TokenCache.KeyListener, SummaryMBean {

    static final String DOMAIN = "io.tokenagent";

    private final List<TokenKey> keys = new CopyOnWriteArrayList<TokenKey>();

    @Override
    public void firstFetched(TokenCache cache, TokenRequest key) {
        TokenKey bean = new TokenKey(cache, key);
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            synchronized (this) {
                if (keys.isEmpty()) {
                    // not named after its interface, as a standard MBean would have to be
                    server.registerMBean(new StandardMBean(this, SummaryMBean.class),
                            new ObjectName(DOMAIN + ":type=Summary"));
                }
                keys.add(bean);
            }
            server.registerMBean(bean, new ObjectName(DOMAIN + ":type=TokenKey,source="
                    + ObjectName.quote(bean.getSource()) + ",resource=" + ObjectName.quote(bean.getResource())
                    + ",identity=" + ObjectName.quote(bean.getIdentity())));
        } catch (JMException e) {
            throw new IllegalStateException("JMX refused the bean: " + e, e);
        }
    }

    @Override
    public int getKeys() {
        return keys.size();
    }

    @Override
    public long getRequestsInjected() {
        return sum(KeyStats::requestsInjected);
    }

    @Override
    public long getTokenFetches() {
        return sum(KeyStats::tokenFetches);
    }

    @Override
    public long getFetchFailures() {
        return sum(KeyStats::fetchFailures);
    }

    @Override
    public long getRequestsFailed() {
        return sum(KeyStats::requestsFailed);
    }

    @Override
    public long getRequestsSentWithoutToken() {
        return sum(KeyStats::requestsSentWithoutToken);
    }

    /** Runs when a JMX client reads a total, never on the start-up path: a method reference is fine here. */
    private long sum(ToLongFunction<KeyStats> counter) {
        long sum = 0;
        for (TokenKey key : keys) {
            sum += counter.applyAsLong(key.stats());
        }
        return sum;
    }
}
