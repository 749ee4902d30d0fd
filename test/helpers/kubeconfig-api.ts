// A REST client for the tests' own reads and writes (what the cluster runs, hand-made edits), built
// from a kubeconfig file the way kubectl reads one: the current context's server, its CA (file or
// data, or insecure-skip-tls-verify), and the user's client certificate or bearer token. It serves
// the simulator (plain HTTP) and any real API server alike, so one e2e harness reads both.
// Exec and auth-provider plugins are not supported: give E2E_KUBECONFIG a certificate or a token.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import YAML from 'yaml';
import { apiClientFor, type ApiClient, type ApiCredentials } from '../control-plane/launch-api.js';

/** KubeconfigTarget is what a kubeconfig's current context names: where, and as whom. */
export interface KubeconfigTarget extends ApiCredentials {
  /** The context's namespace, if any. */
  namespace?: string;
}

/** readKubeconfig resolves the current context of the kubeconfig at `path`; throws naming what is missing. */
export function readKubeconfig(path: string): KubeconfigTarget {
  const config = YAML.parse(readFileSync(path, 'utf8')) ?? {};
  const named = (list: any[] | undefined, name: string, what: string) => {
    const found = (list ?? []).find((entry) => entry.name === name);
    if (!found) throw new Error(`${path}: no ${what} named ${JSON.stringify(name)}`);
    return found;
  };
  const contextName = config['current-context'];
  if (!contextName) throw new Error(`${path}: no current-context`);
  const context = named(config.contexts, contextName, 'context').context ?? {};
  const cluster = named(config.clusters, context.cluster, 'cluster').cluster ?? {};
  const user = context.user ? (named(config.users, context.user, 'user').user ?? {}) : {};
  // Relative file paths in a kubeconfig are relative to the kubeconfig itself.
  const file = (value: string) => readFileSync(resolve(dirname(path), value));
  const pem = (data: string | undefined, fileName: string | undefined) => (data ? Buffer.from(data, 'base64') : fileName ? file(fileName) : undefined);
  if (user.exec || user['auth-provider']) throw new Error(`${path}: user ${context.user} authenticates with a plugin; the tests need a client certificate or a token`);
  return {
    server: String(cluster.server),
    ca: pem(cluster['certificate-authority-data'], cluster['certificate-authority']),
    insecure: cluster['insecure-skip-tls-verify'] === true,
    cert: pem(user['client-certificate-data'], user['client-certificate']),
    key: pem(user['client-key-data'], user['client-key']),
    token: user.token ?? (user.tokenFile ? file(user.tokenFile).toString('utf8').trim() : undefined),
    namespace: context.namespace,
  };
}

/** apiFromKubeconfig is an ApiClient acting as the current context of the kubeconfig at `path`. */
export function apiFromKubeconfig(path: string): ApiClient {
  return apiClientFor(readKubeconfig(path));
}
