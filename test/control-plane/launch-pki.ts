// The certificates and keys of one local control plane, made with Debian's `openssl` (no Go or
// npm crypto library needed, and the same tool a person would use to inspect them).
//
// Every identity is a client certificate signed by one CA, because the API server authenticates
// its own components that way (kubeadm does the same): the user name is the CN, the groups are
// the O fields. The built-in RBAC roles exist for system:kube-controller-manager and
// system:kube-scheduler, so those two run with exactly the rights a real cluster gives them.
// ECDSA P-256 keys: generated in milliseconds, accepted by every component and by the
// service-account token signer (ES256).
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const OPENSSL = process.env.OPENSSL ?? 'openssl';
const DAYS = '30';

/** CertPair is a certificate and its private key, as PEM file paths. */
export interface CertPair {
  cert: string;
  key: string;
}

/** Pki is every file the components and the kubeconfigs need. */
export interface Pki {
  ca: CertPair;
  apiServer: CertPair;
  admin: CertPair;
  controllerManager: CertPair;
  scheduler: CertPair;
  kwok: CertPair;
  /** The service-account token signing key (private) and its public half, for the API server. */
  serviceAccount: { key: string; pub: string };
}

async function openssl(args: string[]): Promise<void> {
  await run(OPENSSL, args, { timeout: 30_000 });
}

const newKeyArgs = (keyPath: string) => ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath];

/** subject renders an openssl -subj value; each group becomes an O field. */
function subject(commonName: string, groups: string[]): string {
  return groups.map((g) => `/O=${g}`).join('') + `/CN=${commonName}`;
}

async function makeCa(dir: string): Promise<CertPair> {
  const pair = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  await openssl(['req', '-x509', ...newKeyArgs(pair.key), '-out', pair.cert, '-days', DAYS, '-subj', '/CN=helm-canary-local-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);
  return pair;
}

/** signLeaf makes a key and a certificate signed by the CA (openssl 3's `req -x509 -CA`). */
async function signLeaf(dir: string, name: string, ca: CertPair, subj: string, extensions: string[]): Promise<CertPair> {
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  await openssl(['req', '-x509', ...newKeyArgs(pair.key), '-out', pair.cert, '-days', DAYS, '-subj', subj,
    '-CA', ca.cert, '-CAkey', ca.key, ...extensions.flatMap((e) => ['-addext', e])]);
  return pair;
}

function clientCert(dir: string, name: string, ca: CertPair, user: string, groups: string[] = []): Promise<CertPair> {
  return signLeaf(dir, name, ca, subject(user, groups), ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=clientAuth']);
}

/** makePki writes the PKI into `dir`. `serviceIp` is the first IP of the service range (the `kubernetes` Service). */
export async function makePki(dir: string, serviceIp: string): Promise<Pki> {
  const ca = await makeCa(dir);
  const sans = ['IP:127.0.0.1', `IP:${serviceIp}`, 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local'];
  const saKey = join(dir, 'sa.key');
  const saPub = join(dir, 'sa.pub');
  const [apiServer, admin, controllerManager, scheduler, kwok] = await Promise.all([
    signLeaf(dir, 'apiserver', ca, '/CN=kube-apiserver', ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth', `subjectAltName=${sans.join(',')}`]),
    clientCert(dir, 'admin', ca, 'helm-canary-admin', ['system:masters']),
    clientCert(dir, 'controller-manager', ca, 'system:kube-controller-manager'),
    clientCert(dir, 'scheduler', ca, 'system:kube-scheduler'),
    // kwok writes the status of every pod and node it plays, deletes pods and renews node leases:
    // no built-in role covers that, so it runs as an administrator, as kwokctl runs it.
    clientCert(dir, 'kwok', ca, 'kwok-controller', ['system:masters']),
    (async () => {
      await openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', saKey]);
      await openssl(['pkey', '-in', saKey, '-pubout', '-out', saPub]);
    })(),
  ]);
  return { ca, apiServer: apiServer!, admin: admin!, controllerManager: controllerManager!, scheduler: scheduler!, kwok: kwok!, serviceAccount: { key: saKey, pub: saPub } };
}

/** writeText writes a file readable by its owner only (kubeconfigs hold keys; helm warns otherwise). */
export function writePrivate(path: string, text: string): Promise<void> {
  return writeFile(path, text, { mode: 0o600 });
}
