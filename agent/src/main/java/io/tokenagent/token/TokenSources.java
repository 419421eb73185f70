package io.tokenagent.token;

import io.tokenagent.config.ConfigException;
import io.tokenagent.config.SourceKind;

/** The one place that knows every source: a name, and how it is built. Adding a source adds a line here. */
public final class TokenSources {

    private TokenSources() {
    }

    /**
     * The source a {@code source} value names, {@code auto} resolved from the environment.
     *
     * @throws ConfigException when the environment lacks what the named source needs, naming what is missing
     */
    public static TokenSource create(SourceKind kind, SourceContext context) throws ConfigException {
        if (kind == SourceKind.AUTO) {
            SourceChooser.Choice choice = SourceChooser.choose(context);
            return create(choice.kind, context.chosenBy(choice.reason));
        }
        switch (kind) {
            case IMDS:
                return new ImdsTokenSource(context);
            case APPSERVICE:
                return new AppServiceTokenSource(context);
            case APPSERVICE2017:
                return new AppService2017TokenSource(context);
            case CLOUDSHELL:
                return new CloudShellTokenSource(context);
            case ARC:
                return new ArcTokenSource(context);
            case SERVICEFABRIC:
                return new ServiceFabricTokenSource(context);
            case WORKLOAD:
                return new WorkloadIdentityTokenSource(context);
            case CLIENT_SECRET:
                return new ClientSecretTokenSource(context);
            case CLIENT_CERTIFICATE:
                return new ClientCertificateTokenSource(context);
            case AZURECLI:
                return new AzureCliTokenSource(context);
            default:
                throw new IllegalStateException("auto is resolved above; every other source has its line");
        }
    }
}
