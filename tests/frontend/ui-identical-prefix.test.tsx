/**
 * A session's "identical to Bob's session up to step 12" in the panel:
 * read from the reader when shown, each
 * match opening that session; nothing without matches or on a reader
 * (an older server) without the route.
 */
import { nullTranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import type { IdenticalPrefix, PrefixMatch } from '../../src/client/api-schema';
import { IdenticalPrefixSection } from '../../src/ui/identicalPrefix';
import { waitFor } from './ui-wait';

const trans = nullTranslator.load('jupyterlab-trail');
const bob = { id: 'u-bob', name: 'bob', displayName: 'Bob' };
const me = { id: 'u-alice', name: 'alice', displayName: 'Alice' };

function show(reader: object | null, steps: number, opened: PrefixMatch[]) {
  const widget = ReactWidget.create(
    <IdenticalPrefixSection
      reader={reader}
      sessionId="ses-mine"
      steps={steps}
      isMe={person => person?.id === me.id}
      onOpen={match => opened.push(match)}
      trans={trans}
    />
  );
  Widget.attach(widget, document.body);
  return widget;
}

describe('IdenticalPrefixSection', () => {
  it('names the sessions this one repeats, and opens one on a click', async () => {
    const asked: string[] = [];
    const answer: IdenticalPrefix = {
      matches: [
        {
          sessionId: 'ses-bob',
          notebookPath: 'train.ipynb',
          author: bob,
          step: 12
        },
        {
          sessionId: 'ses-old',
          notebookPath: 'train.ipynb',
          author: me,
          step: 3
        }
      ]
    };
    const reader = {
      identicalPrefix: async (id: string) => {
        asked.push(id);
        return answer;
      }
    };
    const opened: PrefixMatch[] = [];
    const widget = show(reader, 14, opened);
    const buttons = await waitFor(() => {
      const found = widget.node.querySelectorAll('button');
      return found.length === 2 ? [...found] : null;
    });
    expect(asked).toEqual(['ses-mine']);
    expect(buttons.map(b => b.textContent)).toEqual([
      'identical to Bob’s session up to step 12',
      'identical to your session up to step 3'
    ]);
    buttons[0].click();
    expect(opened.map(m => m.sessionId)).toEqual(['ses-bob']);
    widget.dispose();
  });

  it('shows nothing without matches, or when the reader cannot say', async () => {
    let asked = 0;
    const empty = {
      identicalPrefix: async () => {
        asked++;
        return { matches: [] };
      }
    };
    const a = show(empty, 2, []);
    await waitFor(() => asked === 1);
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(a.node.querySelector('.jp-trail-IdenticalPrefix')).toBeNull();
    a.dispose();
    const b = show({}, 2, []);
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(b.node.textContent).toBe('');
    b.dispose();
    const failing = {
      identicalPrefix: () => Promise.reject(new Error('404'))
    };
    const c = show(failing, 2, []);
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(c.node.textContent).toBe('');
    c.dispose();
  });
});
