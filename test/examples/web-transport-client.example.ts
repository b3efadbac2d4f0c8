// README: "WebTransport" — the client side (browser or Node)
import { connectWebTransport } from 'nestjs-forge-streaming/client';

export async function echoOnce(baseUrl: string, wtUrl: string): Promise<string> {
  // The app exposes the development certificate's hash (see the sample's GET /webtransport/cert-hash).
  const hash = (await (await fetch(`${baseUrl}/webtransport/cert-hash`)).json()) as {
    algorithm: 'sha-256';
    value: string;
  };
  const session = await connectWebTransport(`${wtUrl}/wt`, { serverCertificateHashes: [hash] });
  try {
    const welcome = new TextDecoder().decode(await session.receiveMessage());
    await session.sendMessage('hello');
    const echo = new TextDecoder().decode(await session.receiveMessage());
    return `${welcome} / ${echo}`;
  } finally {
    session.close();
  }
}
