package io.tokenagent.agent;

import io.tokenagent.headers.RuleHeaders;
import io.tokenagent.thread.AgentThread;
import io.tokenagent.bootstrap.TokenAgentBridge;
import io.tokenagent.definer.BootBridge;
import io.tokenagent.cache.TokenCache;
import io.tokenagent.config.AgentConfig;
import io.tokenagent.instrumentation.ClientTransformer;
import io.tokenagent.instrumentation.InstrumentationContext;
import io.tokenagent.logging.Logs;
import io.tokenagent.metrics.JmxPublisher;
import io.tokenagent.metrics.StatsLine;
import io.tokenagent.config.Rule;
import java.util.Map;
import java.lang.instrument.Instrumentation;
import org.slf4j.Logger;

/**
 * Wires the agent together. A class of its own because it names the bridge's types: the JVM loads them when it
 * verifies this class, which must come after {@link BootBridge#install} has defined them in the boot loader.
 */
final class AgentStarter {

    private AgentStarter() {
    }

    static void start(AgentConfig config, RuleSources sources, Instrumentation inst, BootBridge bootBridge) {
        Logger log = Logs.get(TokenAgent.class);
        Map<Rule, TokenCache> caches = sources.caches();
        JmxPublisher jmx = new JmxPublisher();
        for (TokenCache cache : caches.values()) {
            cache.setKeyListener(jmx);
        }
        if (config.logStatsSeconds() > 0) {
            StatsLine.start(new java.util.LinkedHashSet<TokenCache>(caches.values()), config.logStatsSeconds(),
                    AgentThread.factory("stats"));
        }
        RuleHeaders provider = new RuleHeaders(config, caches);
        TokenAgentBridge.install(provider);
        new ClientTransformer(new InstrumentationContext(bootBridge), Instrumentations.all()).install(inst);
        if (config.prefetch()) {
            for (Rule rule : config.rules()) {
                caches.get(rule).prefetch(rule.tokenRequest());
            }
        }
        log.info("started: {} rule{}, tokens from {}, on_failure={}", config.rules().size(),
                config.rules().size() == 1 ? "" : "s", sources.describe(),
                config.onFailure().name().toLowerCase(java.util.Locale.ROOT));
    }
}
