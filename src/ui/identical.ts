/**
 * What "who already computed this?" says, and the mark it puts on a cell:
 * "Alice ran this same code after the same steps, on the same data and
 * environment, 3 days ago (took 41 min)".
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { IdenticalMatch, PrefixMatch } from '../client/api-schema';
import type { Person } from '../records/schema';
import { formatDuration, formatRelativeTime } from './format';

/** Who a match names: "you" for the user's own runs. */
export interface IWhoIsMe {
  isMe(person: Person | undefined): boolean;
}

/** A person's name as the panel shows it. */
export function personName(person: Person | undefined): string {
  return person?.displayName || person?.name || '';
}

/** "Alice's" / "your" / "a" (no author known). */
function owner(
  person: Person | undefined,
  me: IWhoIsMe,
  trans: TranslationBundle
): string {
  if (me.isMe(person)) {
    return trans.__('your');
  }
  const name = personName(person);
  return name ? trans.__('%1’s', name) : trans.__('a');
}

/** A duration as a person says it: '41 min' rather than '41 min 3 s'. */
export function roughDuration(ms: number): string {
  if (ms >= 60_000 && ms < 3_600_000) {
    return `${Math.round(ms / 60_000)} min`;
  }
  return formatDuration(ms);
}

/** The notification's sentence about the newest of `count` matches. */
export function identicalMessage(
  match: IdenticalMatch,
  count: number,
  me: IWhoIsMe,
  trans: TranslationBundle
): string {
  const when = formatRelativeTime(match.endedAt);
  const took = roughDuration(match.durationMs);
  const who = me.isMe(match.author)
    ? trans.__('You')
    : personName(match.author) || trans.__('Someone');
  let text = trans.__(
    '%1 ran this same code after the same steps, on the same data and environment, %2 (took %3).',
    who,
    when,
    took
  );
  if (match.status !== 'ok') {
    text += ' ' + trans.__('That run ended: %1.', match.status);
  }
  if (count > 1) {
    text +=
      ' ' + trans._n('1 more run did too.', '%1 more runs did too.', count - 1);
  }
  return text;
}

/** The label of the action that opens the match: "Open Alice's step". */
export function openStepLabel(
  match: IdenticalMatch,
  me: IWhoIsMe,
  trans: TranslationBundle
): string {
  const whose = owner(match.author, me, trans);
  return trans.__('Open %1 step', whose);
}

/** The short text of a cell's mark: "identical to Alice's step 12". */
export function markText(
  match: IdenticalMatch,
  me: IWhoIsMe,
  trans: TranslationBundle
): string {
  return trans.__(
    'identical to %1 step %2',
    owner(match.author, me, trans),
    match.step
  );
}

/** A session's line: "identical to Bob's session up to step 12". */
export function prefixText(
  match: PrefixMatch,
  me: IWhoIsMe,
  trans: TranslationBundle
): string {
  return trans.__(
    'identical to %1 session up to step %2',
    owner(match.author, me, trans),
    match.step
  );
}

/** The class of a cell's mark. */
export const IDENTICAL_MARK_CLASS = 'jp-trail-IdenticalMark';

/**
 * Puts (or replaces) the mark on a cell's node: a small button at the top
 * right of its input, `title` in its tooltip, `onOpen` on a click.
 */
export function markCellNode(
  cellNode: HTMLElement,
  text: string,
  title: string,
  onOpen: () => void
): HTMLElement {
  cellNode.querySelector(`:scope .${IDENTICAL_MARK_CLASS}`)?.remove();
  const host =
    cellNode.querySelector<HTMLElement>('.jp-Cell-inputWrapper') ?? cellNode;
  const mark = document.createElement('button');
  mark.type = 'button';
  mark.className = IDENTICAL_MARK_CLASS;
  mark.textContent = `≡ ${text}`;
  mark.title = title;
  mark.setAttribute('aria-label', title);
  mark.addEventListener('click', event => {
    event.stopPropagation();
    onOpen();
  });
  host.appendChild(mark);
  return mark;
}
