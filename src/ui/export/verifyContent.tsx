/**
 * Under a file of the Verify report whose hash differs: what the content
 * comparison found (`trail verify` compares pickles, arrays, tables and
 * JSON by content): the same content, or where it differs (the recorded and
 * reproduced values, as the comparison printed them: plain text), why it
 * could not be compared, and a hint (an id() that differs in every run).
 * When the file may count as reproduced all the same, a button verifies
 * again with its tolerance: "Accept by content" (the same content) or
 * "Accept as written" (only an id() differs).
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type {
  FileToleranceText,
  IVerifiedFile
} from '../../model/export/verifyModel';

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
  /** What the file can be accepted as (a button verifying again with it), if anything. */
  acceptAs?: FileToleranceText | null;
  onAccept?: (value: FileToleranceText) => void;
}): JSX.Element {
  const { file, trans, acceptAs, onAccept } = props;
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
        {acceptAs && onAccept && (
          <button
            type="button"
            className="jp-Trail-Button jp-Trail-Export-acceptFile"
            data-accept={acceptAs}
            title={trans.__(
              'Verify again with --tolerance file:%1=%2',
              file.path,
              acceptAs
            )}
            onClick={() => onAccept(acceptAs)}
          >
            {acceptAs === 'exists'
              ? trans.__('Accept as written')
              : trans.__('Accept by content')}
          </button>
        )}
      </td>
    </tr>
  );
}
