/**
 * A tiny stand-in for the Trail server on loopback, for the client and queue
 * tests: real HTTP, real sockets, and just enough of POST /api/v1/events
 * (auth, validation, body limit, idempotent ids) to exercise the client's
 * and the queue's handling of each answer. The real server is tested in
 * tests/server.
 */
import * as http from 'http';
import type { AddressInfo } from 'net';

/** One request as the server saw it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Answers a request; return false to fall through to the events route. */
export type Route = (
  request: SeenRequest,
  response: http.ServerResponse
) => boolean | void;

/** How the events route behaves right now. */
export type IngestMode =
  /** Store and answer 200. */
  | 'ok'
  /** Answer 503 without storing. */
  | 'unavailable'
  /** Store, then cut the connection: the answer is lost. */
  | 'drop-answer';

export class MiniTrail {
  private constructor(
    private readonly _options: { token: string; maxBodyBytes: number }
  ) {}

  /** Starts a server on 127.0.0.1 (a free port unless `port` is given). */
  static async start(
    options: { token?: string; maxBodyBytes?: number; port?: number } = {}
  ): Promise<MiniTrail> {
    const server = new MiniTrail({
      token: options.token ?? 'secret-token',
      maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024
    });
    await server.listen(options.port ?? 0);
    return server;
  }

  /** The root URL, e.g. http://127.0.0.1:41234. */
  url = '';
  port = 0;
  /** Every request received, in order. */
  requests: SeenRequest[] = [];
  /** Event ids in the order they were stored (each once). */
  stored: string[] = [];
  /** How many times each id was reported as accepted (must stay 1). */
  acceptedCount = new Map<string, number>();
  /** The ids of each POST /events body that reached validation. */
  batches: string[][] = [];
  /** Requests being answered right now, and the most at once. */
  inFlight = 0;
  maxInFlight = 0;
  /** Delay before answering POST /events, in ms. */
  ingestDelayMs = 0;
  mode: IngestMode = 'ok';
  /** Routes tried before the events route. */
  routes: Route[] = [];

  /** Listens (again) on the given port; 0 picks a free one. */
  async listen(port: number): Promise<void> {
    this._server = http.createServer((req, res) => this._handle(req, res));
    await new Promise<void>((resolve, reject) => {
      this._server!.once('error', reject);
      this._server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this._server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
  }

  /** Stops listening and cuts open connections: the server is "down". */
  async close(): Promise<void> {
    const server = this._server;
    this._server = null;
    if (!server) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>(resolve => server.close(() => resolve()));
  }

  private _handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8')
      };
      this.requests.push(seen);
      for (const route of this.routes) {
        if (route(seen, res) !== false) {
          return;
        }
      }
      if (seen.method === 'POST' && seen.url === '/api/v1/events') {
        void this._ingest(seen, res);
      } else {
        sendError(res, 404, 'not_found', `No route ${seen.method} ${seen.url}`);
      }
    });
  }

  private async _ingest(seen: SeenRequest, res: http.ServerResponse) {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.ingestDelayMs) {
        await new Promise(resolve => setTimeout(resolve, this.ingestDelayMs));
      }
      if (seen.headers.authorization !== `Bearer ${this._options.token}`) {
        return sendError(res, 401, 'unauthorized', 'Missing or wrong token.');
      }
      if (Buffer.byteLength(seen.body) > this._options.maxBodyBytes) {
        return sendError(
          res,
          413,
          'payload_too_large',
          `The body is larger than ${this._options.maxBodyBytes} bytes.`
        );
      }
      if (this.mode === 'unavailable') {
        return sendError(res, 503, 'unavailable', 'Try again later.');
      }
      const events = JSON.parse(seen.body).events as any[];
      this.batches.push(events.map(e => e.id));
      const details = events.flatMap((event, i) =>
        event.kind === 'execution.completed' &&
        !['ok', 'error', 'aborted', 'interrupted'].includes(
          event.execution.status
        )
          ? [
              {
                path: `/events/${i}/execution/status`,
                message: 'must be equal to one of the allowed values'
              }
            ]
          : []
      );
      if (details.length) {
        // Like the real server: the whole batch is rejected.
        return sendError(
          res,
          400,
          'invalid_request',
          'The batch does not match the schema.',
          details
        );
      }
      const accepted: string[] = [];
      const duplicates: string[] = [];
      for (const event of events) {
        if (this.acceptedCount.has(event.id)) {
          duplicates.push(event.id);
        } else {
          accepted.push(event.id);
          this.stored.push(event.id);
          this.acceptedCount.set(event.id, 1);
        }
      }
      if (this.mode === 'drop-answer') {
        res.socket?.destroy();
        return;
      }
      sendJson(res, 200, { accepted, duplicates });
    } finally {
      this.inFlight--;
    }
  }

  private _server: http.Server | null = null;
}

/** Answers with a JSON body. */
export function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown
): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Answers with the Trail error body. */
export function sendError(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  details?: { path: string; message: string }[]
): void {
  sendJson(res, status, { error: { code, message, details } });
}
