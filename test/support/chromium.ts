/** Debian's Chromium (`CHROMIUM_PATH` overrides; `npm test`'s pretest installs it when missing). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for headless Chromium on an offline machine as root: no sandbox, no GPU, no QUIC, no
 * background traffic; certificate errors ignored (the WebTransport server's certificate is a
 * generated development one).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--ignore-certificate-errors',
];
