// What a helm revision's status says about it, for every reader of helm's history.

/** wasDeployed is true for a helm revision that reached the cluster: deployed, or superseded since. */
export function wasDeployed(status: string): boolean {
  return status === 'deployed' || status === 'superseded';
}
