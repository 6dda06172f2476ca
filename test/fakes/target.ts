import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP endpoint standing for the systems a runbook changes; it counts what it receives.
 * Paths choose the answer: /fail answers 500; /flaky/KEY/N fails the first N calls for KEY;
 * anything else answers 200 {received: "hit N", path}.
 */
export class Target {
  readonly hits: { path: string; body: unknown; idempotencyKey?: string }[] = [];
  private readonly flaky = new Map<string, number>();
  private server?: Server;
  base = '';
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => {
        raw += c.toString('utf8');
      });
      req.on('end', () => {
        const path = req.url ?? '/';
        let body: unknown = raw;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          /* text */
        }
        this.hits.push({ path, body, idempotencyKey: req.headers['idempotency-key'] as string | undefined });
        const flaky = /^\/flaky\/([^/]+)\/(\d+)/.exec(path);
        let status = path.startsWith('/fail') ? 500 : 200;
        if (flaky) {
          const seen = (this.flaky.get(flaky[1]!) ?? 0) + 1;
          this.flaky.set(flaky[1]!, seen);
          if (seen <= Number(flaky[2])) status = 503;
        }
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ received: `hit ${this.hits.length}`, path, n: this.hits.length, body }));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.url = `${this.base}/deploy`;
    return this;
  }

  hitsTo(prefix: string) {
    return this.hits.filter((h) => h.path.startsWith(prefix));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
