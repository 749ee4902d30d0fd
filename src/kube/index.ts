// The kube adapter's public surface. Importing this loads @kubernetes/client-node; code that
// only needs the error classes or manifest discovery imports kube-errors.js or
// release-objects.js directly, which do not.
export * from './kube-errors.js';
export * from './kube-context.js';
export * from './record-store.js';
export * from './release-lock.js';
export * from './cluster-reader.js';
export * from './release-objects.js';
export * from './image-ref.js';
export * from './istio-traffic.js';
export * from './object-names.js';
export * from './helm-release-storage.js';
export * from './current-replica-set.js';
