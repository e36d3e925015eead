/**
 * Blobs in an S3 bucket (AWS S3, MinIO, any S3 API): where a team's
 * servers keep large outputs and environment snapshots, so that none of
 * them holds on its own disk what another needs. A store's append puts the
 * blobs it cites here before its database commit (see WritableBlobStore in
 * types.ts), so a put resolves only once the object store has the bytes,
 * and a bucket that refuses is a 503 `blob_store_unavailable`, never a
 * half-stored ingest.
 *
 * Keys are content addresses, `<prefix>/<sha256[0:2]>/<sha256>` (the
 * first two hex digits spread them over 256 key prefixes): a put of
 * content already there changes nothing, and a read checks that the bytes
 * still hash to their name. Endpoint, region and credentials come from the
 * usual AWS variables and the SDK's default chain (profiles, instance
 * roles), so the URL names only the place: `s3://bucket/prefix`.
 */
import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig
} from '@aws-sdk/client-s3';
import { AppError } from '../errors';
import { BlobCache, type BlobCacheOptions } from './blob-cache';
import { SHA256_HEX } from './blob-store';
import type { WritableBlobStore } from './types';

/** Where the blobs go: a bucket and a key prefix (no leading or trailing slash). */
export interface S3BlobLocation {
  bucket: string;
  prefix: string;
}

/** S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Reads `s3://bucket/prefix` (the prefix is optional). Throws an Error
 * naming what is wrong: this is configuration, checked at start.
 */
export function parseS3Url(url: string): S3BlobLocation {
  const match = /^s3:\/\/([^/?#]+)(?:\/([^?#]*))?$/.exec(url.trim());
  if (!match) {
    throw new Error(
      `the blob store URL must look like s3://bucket/prefix (got ${JSON.stringify(url)})`
    );
  }
  const [, bucket, rawPrefix = ''] = match;
  if (!BUCKET_NAME.test(bucket)) {
    throw new Error(
      `the blob store URL's bucket ${JSON.stringify(bucket)} is not an S3 bucket name ` +
        '(3-63 lowercase letters, digits, dots and hyphens)'
    );
  }
  const prefix = rawPrefix.replace(/^\/+|\/+$/g, '');
  const parts = prefix === '' ? [] : prefix.split('/');
  if (parts.some(part => part === '' || part === '.' || part === '..')) {
    throw new Error(
      `the blob store URL's prefix ${JSON.stringify(rawPrefix)} has an empty, "." or ".." part`
    );
  }
  return { bucket, prefix };
}

/** How an S3BlobStore talks to its endpoint. */
export interface S3BlobStoreOptions {
  /**
   * The AWS variables to read (default: process.env): AWS_ENDPOINT_URL_S3
   * or AWS_ENDPOINT_URL, AWS_REGION or AWS_DEFAULT_REGION, and the access
   * key pair, else the SDK's default chain (profiles, roles).
   */
  env?: NodeJS.ProcessEnv;
  /** Milliseconds to open a connection before giving up (default 3000). */
  connectTimeoutMs?: number;
  /**
   * Milliseconds a connection may stay silent mid-request (default 5000):
   * a hung endpoint fails in seconds, a large upload that moves does not.
   */
  idleTimeoutMs?: number;
  /** Attempts per request, the first included (default 3); the SDK backs off between them. */
  attempts?: number;
  /** Bounds of the memory of small blobs read or written (see blob-cache.ts). */
  cache?: BlobCacheOptions;
}

/** GETs a `getMany` keeps under way at once. */
const READ_CONCURRENCY = 16;

/**
 * From this size on, a put asks whether the bucket has the blob before
 * sending it. Measured against moto on loopback: a HEAD takes about what
 * a PUT of 100 KB does (6-13 ms), so below this a second PUT of the same
 * bytes (harmless: same key, same content) costs no more than asking
 * first; from 1 MB on, a HEAD saves most of a repeated upload (4 ms
 * against 37 ms at 1 MB, 14 ms against 136 ms at 10 MB).
 */
const HEAD_FIRST_BYTES = 256 * 1024;

/** What the SDK says of the answer an error came with, if any. */
interface ResponseMetadata {
  httpStatusCode?: number;
  attempts?: number;
}

/** What the SDK puts on a network failure (the error codes Node gives). */
interface NetworkError {
  name?: string;
  code?: string;
  message?: string;
}

/**
 * A WritableBlobStore on an S3 bucket; see the module comment. `put` is
 * durable and idempotent, `get` answers null for a blob never stored, and
 * every refusal or failure to reach the endpoint is an AppError 503.
 */
export class S3BlobStore implements WritableBlobStore {
  /** Where the endpoint is, for messages: scheme, host and port only. */
  private readonly where: string;
  /** Small blobs read or written lately: a blob never changes. */
  private readonly cache: BlobCache;

  constructor(
    private readonly client: S3Client,
    readonly location: S3BlobLocation,
    endpoint?: string,
    cache?: BlobCacheOptions
  ) {
    this.where = endpoint ? describeEndpoint(endpoint) : 'AWS S3';
    this.cache = new BlobCache(cache);
  }

  /** The store of `s3://bucket/prefix`, configured from the AWS variables. */
  static fromUrl(url: string, options: S3BlobStoreOptions = {}): S3BlobStore {
    const location = parseS3Url(url);
    const env = options.env ?? process.env;
    const endpointVariable = env.AWS_ENDPOINT_URL_S3
      ? 'AWS_ENDPOINT_URL_S3'
      : 'AWS_ENDPOINT_URL';
    const endpoint = env[endpointVariable] || undefined;
    if (endpoint && !isHttpUrl(endpoint)) {
      // Not echoed: a URL may carry credentials.
      throw new Error(
        `${endpointVariable} must be an http:// or https:// URL, such as https://minio.example.org:9000`
      );
    }
    const config: S3ClientConfig = {
      maxAttempts: options.attempts ?? 3,
      requestHandler: {
        connectionTimeout: options.connectTimeoutMs ?? 3000,
        socketTimeout: options.idleTimeoutMs ?? 5000
      },
      // Content-MD5 below checks each upload's bytes; the SDK's default
      // CRC32 trailers are not understood by every S3 API.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED'
    };
    const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
    if (region) {
      config.region = region;
    } else if (endpoint) {
      // MinIO and the like ignore the region, but the SDK signs with one.
      config.region = 'us-east-1';
    }
    if (endpoint) {
      // Other S3 APIs rarely resolve bucket subdomains of their host.
      config.endpoint = endpoint;
      config.forcePathStyle = true;
    }
    if (
      env !== process.env &&
      env.AWS_ACCESS_KEY_ID &&
      env.AWS_SECRET_ACCESS_KEY
    ) {
      // Given variables win, as process.env's would in the default chain.
      config.credentials = {
        accessKeyId: env.AWS_ACCESS_KEY_ID,
        secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
        sessionToken: env.AWS_SESSION_TOKEN || undefined
      };
    }
    return new S3BlobStore(
      new S3Client(config),
      location,
      endpoint,
      options.cache
    );
  }

  /** The object key of a blob: `<prefix>/<aa>/<sha256>`. */
  keyOf(sha256: string): string {
    const key = `${sha256.slice(0, 2)}/${sha256}`;
    return this.location.prefix ? `${this.location.prefix}/${key}` : key;
  }

  /**
   * Stores `content` under `sha256` (a large blob only when the bucket
   * does not have it already) and resolves once the bucket acknowledged
   * it: S3 and its peers acknowledge a PUT once it is durable.
   * Content whose SHA-256 is not `sha256` is the caller's bug: it throws.
   */
  async put(sha256: string, content: Buffer): Promise<void> {
    if (!SHA256_HEX.test(sha256)) {
      throw new Error(`not a SHA-256 hex digest: ${JSON.stringify(sha256)}`);
    }
    const actual = createHash('sha256').update(content).digest('hex');
    if (actual !== sha256) {
      throw new Error(
        `blob content does not match its name: named ${sha256}, content hashes to ${actual}`
      );
    }
    const Key = this.keyOf(sha256);
    if (
      content.length >= HEAD_FIRST_BYTES &&
      (await this.holds(sha256, Key, content.length))
    ) {
      return;
    }
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.location.bucket,
          Key,
          Body: content,
          ContentLength: content.length,
          ContentMD5: createHash('md5').update(content).digest('base64'),
          ContentType: 'application/octet-stream',
          Metadata: { sha256 }
        })
      );
    } catch (err) {
      throw this.unavailable(`store blob ${sha256}`, err);
    }
    this.cache.set(sha256, content);
  }

  /**
   * The blob stored under `sha256`, or null when there is none. Content
   * that does not hash to its name (an object overwritten in the bucket by
   * something else) is never served: a 503 that says so. A small blob
   * read or put before is served from memory (blob-cache.ts), unchanged
   * since it was checked: its name is its content.
   */
  async get(sha256: string): Promise<Buffer | null> {
    if (!SHA256_HEX.test(sha256)) {
      return null;
    }
    const cached = this.cache.get(sha256);
    if (cached) {
      return cached;
    }
    let content: Buffer;
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.location.bucket,
          Key: this.keyOf(sha256)
        })
      );
      content = res.Body
        ? Buffer.from(await res.Body.transformToByteArray())
        : Buffer.alloc(0);
    } catch (err) {
      if (err instanceof S3ServiceException && err.name === 'NoSuchKey') {
        return null;
      }
      throw this.unavailable(`read blob ${sha256}`, err);
    }
    if (createHash('sha256').update(content).digest('hex') !== sha256) {
      throw new AppError(
        503,
        'blob_store_unavailable',
        `The blob store (${this.place()}) holds content for blob ${sha256} ` +
          'that does not hash to its name: the object was changed outside Trail.'
      );
    }
    this.cache.set(sha256, content);
    return content;
  }

  /**
   * What `get` answers for each of `sha256s`, in their order: the GETs in
   * parallel, at most {@link READ_CONCURRENCY} at a time (each a round
   * trip), each distinct blob read once. The first failure rejects.
   */
  async getMany(sha256s: readonly string[]): Promise<(Buffer | null)[]> {
    const distinct = [...new Set(sha256s)];
    const found = new Map<string, Buffer | null>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < distinct.length) {
        const sha256 = distinct[next++];
        found.set(sha256, await this.get(sha256));
      }
    };
    await Promise.all(
      Array.from(
        { length: Math.min(READ_CONCURRENCY, distinct.length) },
        worker
      )
    );
    return sha256s.map(sha256 => found.get(sha256) ?? null);
  }

  /**
   * Whether the bucket answers (a HeadBucket, one attempt within a few
   * seconds); `error` is a code such as `NoSuchBucket`, `AccessDenied` or
   * `ECONNREFUSED`, never a message that could carry a secret.
   */
  async health(): Promise<{ ok: boolean; error?: string }> {
    try {
      await this.client.send(
        new HeadBucketCommand({ Bucket: this.location.bucket }),
        { abortSignal: AbortSignal.timeout(5000) }
      );
      return { ok: true };
    } catch (err) {
      // A HEAD's error has no body: its status is the whole answer.
      const status =
        err instanceof S3ServiceException ? err.$metadata?.httpStatusCode : 0;
      const error =
        status === 404
          ? 'NoSuchBucket'
          : status === 403
            ? 'AccessDenied'
            : failureCode(err);
      return { ok: false, error };
    }
  }

  /** Closes the client's connections. */
  async close(): Promise<void> {
    this.client.destroy();
  }

  /**
   * Whether the object `Key` is this blob as a put of Trail wrote it: its
   * length, and the `sha256` metadata a put checked before writing (an
   * object written there by anything else is written again). Anything but
   * a yes (no object, no bucket, a HEAD the policy refuses) lets the PUT
   * decide; a failure to reach the endpoint is the put's failure too.
   */
  private async holds(
    sha256: string,
    Key: string,
    length: number
  ): Promise<boolean> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.location.bucket, Key })
      );
      return head.ContentLength === length && head.Metadata?.sha256 === sha256;
    } catch (err) {
      if (err instanceof S3ServiceException) {
        const status = err.$metadata?.httpStatusCode ?? 0;
        if (status >= 400 && status < 500) {
          return false;
        }
      }
      throw this.unavailable(`store blob ${sha256}`, err);
    }
  }

  /** The 503 of a request the bucket refused or that never reached it. */
  private unavailable(what: string, err: unknown): AppError {
    return new AppError(
      503,
      'blob_store_unavailable',
      `The blob store (${this.place()} at ${this.where}) could not ${what}: ${failureReason(err)}.`
    );
  }

  /** `s3://bucket/prefix`, for messages. */
  private place(): string {
    const { bucket, prefix } = this.location;
    return prefix ? `s3://${bucket}/${prefix}` : `s3://${bucket}`;
  }
}

/** Whether `value` is an absolute http(s) URL. */
function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Scheme, host and port of an endpoint URL (never user information). */
function describeEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'a custom endpoint';
  }
}

/** A short code for a failure: the S3 error code, Node's error code, or the kind of timeout. */
function failureCode(err: unknown): string {
  const status = (err as { $metadata?: ResponseMetadata } | null)?.$metadata
    ?.httpStatusCode;
  if (!(err instanceof S3ServiceException) && status) {
    return `HTTP ${status}`;
  }
  if (err instanceof S3ServiceException) {
    const status = err.$metadata?.httpStatusCode;
    // An error without a body (a HEAD's, some policy refusals) has only
    // its status to say what went wrong.
    if (['NotFound', 'Unknown', 'Forbidden'].includes(err.name)) {
      if (status === 403) {
        return 'AccessDenied';
      }
      return status ? `HTTP ${status}` : err.name;
    }
    return err.name;
  }
  const net = (err ?? {}) as NetworkError;
  if (net.name === 'TimeoutError' || net.name === 'AbortError') {
    return 'timeout';
  }
  return networkCode(net) ?? configurationCode(net) ?? (net.name || 'unknown');
}

/**
 * The client's own refusals to send (nothing reached the endpoint): no
 * credentials anywhere in the default chain, or no region to sign for.
 */
function configurationCode(net: NetworkError): string | undefined {
  if (net.name === 'CredentialsProviderError') {
    return 'NoCredentials';
  }
  if (/region is missing/i.test(net.message ?? '')) {
    return 'NoRegion';
  }
  return undefined;
}

/** Node's network error codes, as they appear in a message. */
const NETWORK_CODE =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|ECONNABORTED)\b/;

/**
 * The code of a network error. After its last attempt the SDK may hand
 * back a copy that kept only the message (an error from another realm,
 * e.g. under jest), so the message is read as well.
 */
function networkCode(net: NetworkError): string | undefined {
  if (net.code) {
    return net.code;
  }
  return NETWORK_CODE.exec(net.message ?? '')?.[1];
}

/**
 * Why a request failed, in words that hold no credential: the S3 error code
 * and HTTP status, or the network error's code, never the service's
 * message (a signature error's message echoes what was signed).
 */
function failureReason(err: unknown): string {
  const metadata = (err as { $metadata?: ResponseMetadata } | null)?.$metadata;
  const attempts = metadata?.attempts;
  const tried = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  if (err instanceof S3ServiceException) {
    const status = metadata?.httpStatusCode;
    const code = failureCode(err);
    return status && !code.startsWith('HTTP')
      ? `${code} (HTTP ${status})${tried}`
      : `${code}${tried}`;
  }
  if (metadata?.httpStatusCode) {
    // An answer that is no S3 error document (an HTML page of a proxy or
    // a crashed server): its status is all there is to say.
    return `HTTP ${metadata.httpStatusCode}${tried}`;
  }
  const net = (err ?? {}) as NetworkError;
  if (net.name === 'TimeoutError') {
    return 'the endpoint did not answer in time';
  }
  if (net.name === 'AbortError') {
    return 'the request was abandoned';
  }
  const code = networkCode(net);
  if (code) {
    return `the endpoint could not be reached (${code})`;
  }
  switch (configurationCode(net)) {
    case 'NoCredentials':
      return (
        'no credentials were found (set AWS_ACCESS_KEY_ID and ' +
        'AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or give the host a role)'
      );
    case 'NoRegion':
      return 'no region is set (AWS_REGION)';
  }
  return net.name && net.name !== 'Error' ? net.name : 'an unexpected error';
}
