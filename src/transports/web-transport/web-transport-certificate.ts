import { createHash, X509Certificate, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import { InvalidConfigError } from '../../errors/invalid-config.error.js';
import { MissingDependencyError } from '../../errors/missing-dependency.error.js';

/** The certificate the WebTransport server presents. */
export interface WebTransportCertificate {
  /** PEM certificate (chain). */
  readonly cert: string;
  /** PEM private key. */
  readonly privateKey: string;
  /** SHA-256 of the leaf certificate's DER, lower-case hex (`serverCertificateHashes` value). */
  readonly sha256: string;
  /** End of validity. */
  readonly notAfter: Date;
  /** Whether the certificate was generated for development. */
  readonly generated: boolean;
}

/** Validity of a generated certificate: under the 14 days browsers accept for certificate hashes. */
export const DEV_CERTIFICATE_VALIDITY_MS = 13 * 24 * 60 * 60 * 1000;

const X509_PACKAGE = '@peculiar/x509';

function toPem(label: string, der: ArrayBuffer): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Certificate from configuration: validated, with its SHA-256 hash. */
export function certificateFromPem(cert: string, privateKey: string): WebTransportCertificate {
  let parsed: X509Certificate;
  try {
    parsed = new X509Certificate(cert);
  } catch (error) {
    throw new InvalidConfigError(
      'webTransport.cert',
      `is not a PEM certificate (${(error as Error).message})`,
    );
  }
  return {
    cert,
    privateKey,
    sha256: createHash('sha256').update(parsed.raw).digest('hex'),
    notAfter: new Date(parsed.validTo),
    generated: false,
  };
}

/** Subject alternative names of a development certificate: loopback names plus the host. */
export function developmentNames(host: string): { type: 'dns' | 'ip'; value: string }[] {
  const names: { type: 'dns' | 'ip'; value: string }[] = [
    { type: 'dns', value: 'localhost' },
    { type: 'ip', value: '127.0.0.1' },
    { type: 'ip', value: '::1' },
  ];
  const wildcard = host === '0.0.0.0' || host === '::';
  if (!wildcard && !names.some((name) => name.value === host)) {
    names.push({ type: isIP(host) ? 'ip' : 'dns', value: host });
  }
  return names;
}

/**
 * Generates a development certificate: ECDSA P-256, valid for 13 days (browsers accept
 * `serverCertificateHashes` only for certificates valid under 14 days), SAN for localhost,
 * 127.0.0.1, ::1 and `host`.
 */
export async function generateDevelopmentCertificate(
  host: string,
  now: number = Date.now(),
): Promise<WebTransportCertificate> {
  await import('reflect-metadata');
  let x509: typeof import('@peculiar/x509');
  try {
    x509 = await import(X509_PACKAGE);
  } catch {
    throw new MissingDependencyError(X509_PACKAGE, 'Generating a WebTransport certificate');
  }
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex')}`,
    name: 'CN=localhost',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + DEV_CERTIFICATE_VALIDITY_MS),
    keys,
    signingAlgorithm: algorithm,
    extensions: [
      new x509.SubjectAlternativeNameExtension(developmentNames(host)),
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const der = Buffer.from(certificate.rawData);
  return {
    cert: certificate.toString('pem'),
    privateKey: toPem('PRIVATE KEY', pkcs8),
    sha256: createHash('sha256').update(der).digest('hex'),
    notAfter: certificate.notAfter,
    generated: true,
  };
}
