/**
 * Under a file of the Verify report whose hash differs: what the content
 * comparison found (`trail verify` compares pickles, arrays, tables and
 * JSON by content): the same content, or where it differs (the recorded and
 * reproduced values, as the comparison printed them: plain text), why it
 * could not be compared, and a hint (an id() that differs in every run).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type { IVerifiedFile } from '../../model/export/verifyModel';

/** Whether the file has anything to show under its row. */
export function hasContentResult(file: IVerifiedFile): boolean {
  return (
    file.sameContent !== undefined ||
    Boolean(file.contentNote) ||
    Boolean(file.hint)
  );
}

/** A table row (four columns) with the file's content result. */
export function VerifyContentRow(props: {
  file: IVerifiedFile;
  trans: TranslationBundle;
}): JSX.Element {
  const { file, trans } = props;
  const differences = file.differences ?? [];
  const count = file.differenceCount ?? differences.length;
  return (
    <tr
      className="jp-Trail-Export-verifyContent"
      data-content-of={file.path}
      data-same-content={
        file.sameContent === undefined ? undefined : String(file.sameContent)
      }
    >
      <td colSpan={4}>
        {file.sameContent === true && (
          <p>
            {file.within
              ? trans.__('The same content (the bytes differ).')
              : trans.__(
                  'The same content, the bytes differ: --tolerance file:%1=content accepts it.',
                  file.path
                )}
          </p>
        )}
        {file.sameContent === false && (
          <>
            <p>
              {trans._n(
                'The content differs in %1 place:',
                'The content differs in %1 places:',
                count
              )}
            </p>
            <ul className="jp-Trail-Export-verifyDifferences">
              {differences.map((difference, index) => (
                <li key={index}>
                  <code>{difference.path}</code>
                  {': '}
                  {trans.__(
                    'recorded %1, reproduced %2',
                    difference.recorded,
                    difference.reproduced
                  )}
                  {difference.note ? ` (${difference.note})` : ''}
                </li>
              ))}
              {count > differences.length && (
                <li>{trans.__('… and %1 more', count - differences.length)}</li>
              )}
            </ul>
          </>
        )}
        {file.contentNote && (
          <p className="jp-Trail-Export-verifyContentNote">
            {file.contentNote}
          </p>
        )}
        {file.hint && (
          <p className="jp-Trail-Export-verifyHint">
            {trans.__('Hint: %1', file.hint)}
          </p>
        )}
      </td>
    </tr>
  );
}
