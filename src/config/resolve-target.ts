// Which kubeconfig context and namespace a cluster command acts on: one place for the precedence
// of flags, helm's plugin environment, canary.yaml and the kubeconfig context's namespace.
// Pure: the caller passes the environment and, lazily, the context's namespace.
import { ConfigError } from './config-error.js';

/** PluginEnv is what helm passes a plugin (`helm canary ...`) instead of -n and --kube-context. */
export interface PluginEnv {
  /** HELM_NAMESPACE: helm's -n, else the context's namespace, else "default"; set on every call. */
  namespace?: string;
  /** HELM_KUBECONTEXT: helm's --kube-context; empty when not given. */
  kubeContext?: string;
}

/**
 * pluginEnv is helm's plugin environment when helm runs this tool as a plugin, else undefined.
 * helm sets HELM_PLUGIN_NAME and HELM_PLUGIN_DIR for plugins only; HELM_NAMESPACE alone may be a
 * user's own setting and does not make a plugin call.
 */
export function pluginEnv(env: Record<string, string | undefined>): PluginEnv | undefined {
  if (!env.HELM_PLUGIN_NAME && !env.HELM_PLUGIN_DIR) return undefined;
  return { namespace: env.HELM_NAMESPACE || undefined, kubeContext: env.HELM_KUBECONTEXT || undefined };
}

/** ContextFlags are the flags that name a kubeconfig context. */
export interface ContextFlags {
  context?: string;
  kubeContext?: string;
}

/**
 * contextOverride is the context named on the command line (--context, or --kube-context as helm
 * spells it) or by helm as a plugin; undefined leaves canary.yaml's helm.kubeContext, then the
 * kubeconfig's current context. Two that disagree are a ConfigError, never a silent choice.
 */
export function contextOverride(flags: ContextFlags, plugin: PluginEnv | undefined): string | undefined {
  const named = [
    flags.context !== undefined ? { by: '--context', value: flags.context } : undefined,
    flags.kubeContext !== undefined ? { by: '--kube-context', value: flags.kubeContext } : undefined,
    plugin?.kubeContext !== undefined ? { by: "helm's --kube-context (HELM_KUBECONTEXT)", value: plugin.kubeContext } : undefined,
  ].filter((n): n is { by: string; value: string } => n !== undefined);
  const first = named[0];
  const other = named.find((n) => n.value !== first?.value);
  if (first && other) {
    throw new ConfigError(`two kubeconfig contexts are named: ${first.by} ${JSON.stringify(first.value)} and ${other.by} ${JSON.stringify(other.value)}`, [
      'name one context, once',
    ]);
  }
  return first?.value;
}

/** NamespaceInputs are the places a namespace can come from. */
export interface NamespaceInputs {
  /** --namespace / -n. */
  flag?: string;
  /** canary.yaml's namespace, when the file names one. */
  config?: string;
  /** The config file, for messages. */
  configSource?: string;
  plugin?: PluginEnv;
  /** The kubeconfig context's namespace, asked only when nothing else names one. */
  contextNamespace: () => { namespace?: string; context?: string };
}

/** ResolvedNamespace is the namespace to act on and where it came from, for messages. */
export interface ResolvedNamespace {
  namespace: string;
  from: string;
}

/**
 * resolveNamespace: --namespace, else canary.yaml, else the kubeconfig context's namespace, else
 * "default", as helm and kubectl choose. As a helm plugin, helm's HELM_NAMESPACE is that choice
 * already made (helm cannot say whether -n was given), so a flag or canary.yaml that disagrees
 * with it is a ConfigError naming both.
 */
export function resolveNamespace(inputs: NamespaceInputs): ResolvedNamespace {
  const configName = inputs.configSource ? `namespace in ${inputs.configSource}` : 'namespace in the config';
  const named = inputs.flag !== undefined ? { namespace: inputs.flag, from: '--namespace' } : inputs.config !== undefined ? { namespace: inputs.config, from: configName } : undefined;
  const helmNamespace = inputs.plugin?.namespace;
  if (helmNamespace !== undefined) {
    if (named && named.namespace !== helmNamespace) {
      throw new ConfigError(
        `helm passes namespace ${JSON.stringify(helmNamespace)} (HELM_NAMESPACE: helm's -n, else the kubeconfig context's namespace, else "default"), but ${named.from} is ${JSON.stringify(named.namespace)}`,
        [
          `to act on ${JSON.stringify(named.namespace)}, run it as \`helm canary ... -n ${named.namespace}\``,
          named.from === '--namespace'
            ? 'as a helm plugin, give the namespace to helm (-n), not after the plugin name'
            : `to act on ${JSON.stringify(helmNamespace)}, set namespace: ${helmNamespace} in the config (or remove it, to follow helm)`,
        ],
      );
    }
    return { namespace: helmNamespace, from: "helm's namespace (HELM_NAMESPACE)" };
  }
  if (named) return named;
  const fromContext = inputs.contextNamespace();
  if (fromContext.namespace) {
    return { namespace: fromContext.namespace, from: `the namespace of kubeconfig context ${JSON.stringify(fromContext.context ?? '')}` };
  }
  return { namespace: 'default', from: 'the default namespace (no flag, config or kubeconfig context names one)' };
}
