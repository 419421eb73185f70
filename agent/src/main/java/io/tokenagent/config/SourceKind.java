package io.tokenagent.config;

/**
 * The {@code source} option: where tokens come from. {@code AUTO} chooses from the environment as the Azure SDKs'
 * default credential does; every other value names one source. The configuration value is the lower-case name.
 */
public enum SourceKind {
    AUTO, IMDS, APPSERVICE, APPSERVICE2017, CLOUDSHELL, ARC, SERVICEFABRIC, WORKLOAD, CLIENT_SECRET,
    CLIENT_CERTIFICATE, AZURECLI;

    /** The name as written in the configuration. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
