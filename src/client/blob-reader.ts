/**
 * Reads blobs, the large mime values the server keeps apart and stands a
 * BlobRef for in the outputs it returns.
 */
import type { Output } from '../records/schema';
import { BlobCache } from './blob-cache';
import { TrailResponseError, isObject } from './errors';
import { enc, errorOf } from './request';
import { isBlobRef } from './response-schemas';
import type { TrailTransport } from './transport';
import type { BlobRef } from './types';

/**
 * Fetches blobs through a transport (GET /blobs/:sha256) and puts them back
 * in place of their BlobRefs. Blobs never change, so answers are cached and
 * concurrent requests for the same blob share one fetch.
 */
export class BlobReader {
  constructor(
    private readonly _transport: TrailTransport,
    /** Where fetched blobs are kept. */
    readonly cache: BlobCache
  ) {}

  /** The content of a blob as a string. */
  get(sha256: string): Promise<string> {
    const cached = this.cache.get(sha256);
    if (cached !== undefined) {
      return Promise.resolve(cached);
    }
    let pending = this._inFlight.get(sha256);
    if (!pending) {
      pending = this._fetch(sha256).finally(() =>
        this._inFlight.delete(sha256)
      );
      this._inFlight.set(sha256, pending);
    }
    return pending;
  }

  /** The value a BlobRef stands for: a string, or the parsed JSON value. */
  async resolve(ref: BlobRef): Promise<unknown> {
    const text = await this.get(ref.$blob);
    if (ref.encoding === 'text') {
      return text;
    }
    try {
      return JSON.parse(text);
    } catch {
      throw new TrailResponseError(
        200,
        'invalid_response',
        `Blob ${ref.$blob} should hold JSON but does not.`,
        [],
        `${this._transport.apiUrl}/blobs/${ref.$blob}`
      );
    }
  }

  /**
   * Copies of the outputs with every BlobRef in their mime bundles replaced
   * by the value it stands for. Outputs without BlobRefs are returned as is.
   */
  resolveOutputs(outputs: Output[]): Promise<Output[]> {
    return Promise.all(outputs.map(output => this._resolveOutput(output)));
  }

  private async _resolveOutput(output: Output): Promise<Output> {
    const data = (output as { data?: unknown }).data;
    if (!isObject(data) || !Object.values(data).some(isBlobRef)) {
      return output;
    }
    const entries = await Promise.all(
      Object.entries(data).map(
        async ([mime, value]): Promise<[string, unknown]> => [
          mime,
          isBlobRef(value) ? await this.resolve(value) : value
        ]
      )
    );
    return { ...output, data: Object.fromEntries(entries) } as Output;
  }

  private async _fetch(sha256: string): Promise<string> {
    const exchange = await this._transport.exchange(
      'GET',
      `/blobs/${enc(sha256)}`
    );
    if (exchange.status < 200 || exchange.status >= 300) {
      throw errorOf(exchange);
    }
    this.cache.set(sha256, exchange.text);
    return exchange.text;
  }

  private _inFlight = new Map<string, Promise<string>>();
}
