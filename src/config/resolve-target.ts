// Which helm binary, kubeconfig, context and namespace a cluster command acts on: the one place
// for the precedence of flags, the environment (helm's plugin environment included), canary.yaml
// and the kubeconfig context's namespace. Pure: the caller passes the environment and a reader of
// the kubeconfig, asked only when nothing else names the namespace.
//
//   what        first of                                                       else
//   helm        --helm, $HELM_BIN, helm.binary                                 "helm" on PATH
//   kubeconfig  --kubeconfig, helm.kubeconfig                                  $KUBECONFIG (merged, first wins), ~/.kube/config
//   context     --context = --kube-context = $HELM_KUBECONTEXT (plugin), helm.kubeContext   the kubeconfig's current context
//   namespace   --namespace, canary.yaml's namespace; as a plugin $HELM_NAMESPACE, which they must agree with
//               the kubeconfig context's namespace, then "default"
import { ConfigError } from './config-error.js';

// What helm passes a plugin (`helm canary ...`) instead of -n and --kube-context. */
interface PluginEnv {
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
function pluginEnv(env: Record<string, string | undefined>): PluginEnv | undefined {
  if (!env.HELM_PLUGIN_NAME && !env.HELM_PLUGIN_DIR) return undefined;
  return { namespace: env.HELM_NAMESPACE || undefined, kubeContext: env.HELM_KUBECONTEXT || undefined };
}

// The flags that name a kubeconfig context.
interface ContextFlags {
  context?: string;
  kubeContext?: string;
}

/**
 * contextOverride is the context named on the command line (--context, or --kube-context as helm
 * spells it) or by helm as a plugin; undefined leaves canary.yaml's helm.kubeContext, then the
 * kubeconfig's current context. Two that disagree are a ConfigError, never a silent choice.
 */
function contextOverride(flags: ContextFlags, plugin: PluginEnv | undefined): string | undefined {
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

// The places a namespace can come from.
interface NamespaceInputs {
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

// The namespace to act on and where it came from, for messages.
interface ResolvedNamespace {
  namespace: string;
  from: string;
}

/**
 * resolveNamespace: --namespace, else canary.yaml, else the kubeconfig context's namespace, else
 * "default", as helm and kubectl choose. As a helm plugin, helm's HELM_NAMESPACE is that choice
 * already made (helm cannot say whether -n was given), so a flag or canary.yaml that disagrees
 * with it is a ConfigError naming both.
 */
function resolveNamespace(inputs: NamespaceInputs): ResolvedNamespace {
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

/** TargetFlags are the command-line flags that name the helm binary, kubeconfig, context and namespace. */
export interface TargetFlags {
  helm?: string;
  kubeconfig?: string;
  context?: string;
  /** --kube-context, helm's name for --context. */
  kubeContext?: string;
  namespace?: string;
}

/** ConfigTarget is what canary.yaml itself says about where to act (none of it from flags). */
export interface ConfigTarget {
  /** namespace, when the file names one. */
  namespace?: string;
  /** helm.kubeContext. */
  kubeContext?: string;
  /** helm.kubeconfig, resolved from the config file's directory. */
  kubeconfig?: string;
  /** helm.binary. */
  helmBinary?: string;
  /** The config file, for messages. */
  source?: string;
}

/** ContextNamespace is a kubeconfig context and the namespace it names, if any. */
export interface ContextNamespace {
  context?: string;
  namespace?: string;
}

/**
 * KubeconfigReader reads the context a command would use (`context`, else the current one) from
 * `kubeconfig` (else $KUBECONFIG, else ~/.kube/config) and says which namespace it names.
 */
export type KubeconfigReader = (kubeconfig: string | undefined, context: string | undefined) => ContextNamespace;

/** ClusterTarget is where a cluster command acts, each part chosen by the precedence above. */
export interface ClusterTarget {
  helmBinary: string;
  /** The kubeconfig file named by --kubeconfig or helm.kubeconfig; undefined: $KUBECONFIG, then ~/.kube/config. */
  kubeconfig?: string;
  /** The context named; undefined: the kubeconfig's current context. */
  kubeContext?: string;
  namespace: string;
  /** Where the namespace came from, for messages ("--namespace", "the default namespace ..."). */
  namespaceFrom: string;
}

/** resolveHelmBinary is the helm to run: --helm, else $HELM_BIN (helm sets it for a plugin), else helm.binary, else helm on PATH. */
export function resolveHelmBinary(flags: Pick<TargetFlags, 'helm'>, env: Record<string, string | undefined>, config: Pick<ConfigTarget, 'helmBinary'>): string {
  return flags.helm ?? (env.HELM_BIN || undefined) ?? config.helmBinary ?? 'helm';
}

/**
 * resolveTarget chooses the helm binary, kubeconfig, context and namespace of a cluster command.
 * Two contexts, or a namespace and helm's plugin namespace, that disagree are a ConfigError naming
 * both, never a silent choice. `readKubeconfig` is asked only when nothing else names the namespace.
 */
export function resolveTarget(flags: TargetFlags, env: Record<string, string | undefined>, config: ConfigTarget, readKubeconfig: KubeconfigReader): ClusterTarget {
  const plugin = pluginEnv(env);
  const kubeContext = contextOverride(flags, plugin) ?? config.kubeContext;
  const kubeconfig = flags.kubeconfig ?? config.kubeconfig;
  const resolved = resolveNamespace({
    flag: flags.namespace,
    config: config.namespace,
    configSource: config.source,
    plugin,
    contextNamespace: () => readKubeconfig(kubeconfig, kubeContext),
  });
  return {
    helmBinary: resolveHelmBinary(flags, env, config),
    kubeconfig,
    kubeContext,
    namespace: resolved.namespace,
    namespaceFrom: resolved.from,
  };
}
