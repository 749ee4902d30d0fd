// Who is acting, for the rollout record and the lease: the CI's own notion of the actor when
// running in a pipeline, else user@host.
import { hostname, userInfo } from 'node:os';

/** actorName names the person or pipeline running the command. */
export function actorName(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITHUB_ACTIONS && env.GITHUB_ACTOR) return `${env.GITHUB_ACTOR} (GitHub Actions run ${env.GITHUB_RUN_ID ?? '?'})`;
  if (env.TF_BUILD && env.BUILD_REQUESTEDFOR) return `${env.BUILD_REQUESTEDFOR} (Azure DevOps build ${env.BUILD_BUILDID ?? '?'})`;
  let user = env.USER ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep $USER
  }
  return `${user}@${hostname()}`;
}

/** holderIdentity tells two processes of one actor apart. */
export function holderIdentity(actor: string, pid = process.pid): string {
  return `${actor} pid ${pid}`;
}
