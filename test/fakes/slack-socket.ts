import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A loopback Slack Socket Mode endpoint in the real wire format: `hello` on connect, envelopes
 * `{envelope_id, type, payload, accepts_response_payload}` out, acks `{envelope_id, payload}` in,
 * and `disconnect` to make the client reconnect through apps.connections.open.
 */
export class FakeSlackSocket {
  readonly acks: { envelope_id: string; payload?: unknown }[] = [];
  connections = 0;
  private server?: Server;
  private wss?: WebSocketServer;
  private socket?: WebSocket;
  url = '';

  async start(): Promise<this> {
    this.server = createServer();
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws) => {
      this.connections++;
      this.socket = ws;
      ws.on('message', (data) => {
        this.acks.push(JSON.parse(String(data)) as { envelope_id: string });
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake' },
          connection_info: { app_id: 'A0001' },
        }),
      );
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link/?ticket=fake`;
    return this;
  }

  /** Sends an envelope and returns its id (the ack carries it back). */
  send(
    type: 'slash_commands' | 'interactive' | 'events_api',
    payload: unknown,
    retry?: { attempt: number; reason: string },
  ): string {
    const envelope_id = randomUUID();
    this.socket!.send(
      JSON.stringify({
        envelope_id,
        type,
        payload,
        accepts_response_payload: type !== 'events_api',
        ...(retry ? { retry_attempt: retry.attempt, retry_reason: retry.reason } : {}),
      }),
    );
    return envelope_id;
  }

  acked(id: string) {
    return this.acks.find((a) => a.envelope_id === id);
  }

  disconnect(): void {
    this.socket?.send(JSON.stringify({ type: 'disconnect', reason: 'refresh_requested' }));
  }

  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    await new Promise((r) => this.wss?.close(r));
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }
}
