/**
 * A tiny CloudWatch (awsJson1_0) endpoint for SDK-level tests that must not depend on the
 * simulator: it records each request's access key id and answers from a scripted handler.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  operation: string;
  accessKeyId: string;
  body: Record<string, unknown>;
}

export interface FakeReply {
  status?: number;
  body?: unknown;
  /** Delay before answering (ms). */
  delayMs?: number;
}

export interface FakeServer {
  endpoint: string;
  requests: FakeRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const part of req) text += String(part);
  return text;
}

/** Start the server; `reply` decides each answer (default: an empty DescribeAlarms page). */
export async function startFakeCloudWatch(reply: (request: FakeRequest, index: number) => FakeReply = () => ({})): Promise<FakeServer> {
  const requests: FakeRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const auth = String(req.headers.authorization ?? '');
      const request: FakeRequest = {
        operation: String(req.headers['x-amz-target'] ?? '').split('.').pop() ?? '',
        accessKeyId: /Credential=([^/]+)\//.exec(auth)?.[1] ?? '',
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
      requests.push(request);
      const answer = reply(request, requests.length - 1);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(answer.body ?? { MetricAlarms: [], CompositeAlarms: [] }));
      };
      if (answer.delayMs) {
        const timer = setTimeout(() => (timers.delete(timer), send()), answer.delayMs);
        timers.add(timer);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
