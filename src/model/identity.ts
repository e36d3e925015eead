import type { ITrailReader, Person, TeamMember } from './types';

/**
 * Who "me" is on the server read from: asked once per reader, so that the
 * panel knows which sessions are the user's own.
 *
 * #### Notes
 * A server that does not say (an older one answers 404 or 405) leaves every
 * session "mine"; any other failure is asked again at the next refresh.
 */
export class TrailIdentity {
  /**
   * Create the identity; `onChange` is called once "me" is known.
   */
  constructor(options: TrailIdentity.IOptions) {
    this._onChange = options.onChange;
  }

  /**
   * The person the token belongs to, once known; null before, and on a
   * server that does not say.
   */
  get me(): TeamMember | null {
    return this._me;
  }

  /**
   * Whether the server said who "me" is.
   */
  get known(): boolean {
    return this._state === 'known';
  }

  /**
   * Whether a session is the user's own (they may change its visibility).
   */
  isMine(session: { author?: Person }): boolean {
    if (!session.author) {
      return this._state !== 'known';
    }
    return this._me !== null && session.author.id === this._me.id;
  }

  /**
   * Forget who "me" was: the server read from changed.
   */
  reset(reader: ITrailReader | null): void {
    this._reader = reader;
    this._me = null;
    this._state = 'unknown';
  }

  /**
   * Learn who "me" is, once per reader; concurrent callers share the one
   * request.
   *
   * @returns resolves once the server answered; never rejects.
   */
  know(): Promise<void> {
    const reader = this._reader;
    if (!reader || this._state !== 'unknown') {
      return Promise.resolve();
    }
    if (this._asking?.reader !== reader) {
      const asking = this._ask(reader).finally(() => {
        if (this._asking?.promise === asking) {
          this._asking = null;
        }
      });
      this._asking = { reader, promise: asking };
    }
    return this._asking.promise;
  }

  private async _ask(reader: ITrailReader): Promise<void> {
    try {
      const me = await reader.getMe();
      if (reader === this._reader) {
        this._me = me;
        this._state = 'known';
        this._onChange();
      }
    } catch (reason) {
      const status = (reason as { status?: unknown }).status;
      if (reader === this._reader && (status === 404 || status === 405)) {
        this._state = 'unsupported';
      }
    }
  }

  private _asking: { reader: ITrailReader; promise: Promise<void> } | null =
    null;
  private _me: TeamMember | null = null;
  private _onChange: () => void;
  private _reader: ITrailReader | null = null;
  private _state: 'unknown' | 'known' | 'unsupported' = 'unknown';
}

/**
 * The namespace for `TrailIdentity` statics.
 */
export namespace TrailIdentity {
  /**
   * Options to create the identity.
   */
  export interface IOptions {
    /** Called once "me" is known (the panel shows it). */
    onChange: () => void;
  }
}
