/**
 * An execution's status badge: its label and colour class, and an
 * execution the kernel died under read as "kernel died" with the reason
 * on hover, where a stopped one reads "interrupted".
 */
import { nullTranslator } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';
import * as React from 'react';
import type { ExecutionRecord } from '../../src/records/schema';
import { KERNEL_DIED } from '../../src/records/status';
import { StatusBadge } from '../../src/ui/statusBadge';
import { waitFor } from './ui-wait';

const trans = nullTranslator.load('jupyterlab-trail');

async function badge(
  status: ExecutionRecord['status'],
  error?: ExecutionRecord['error']
): Promise<HTMLElement> {
  const widget = ReactWidget.create(
    <StatusBadge status={status} error={error} trans={trans} />
  );
  Widget.attach(widget, document.body);
  return waitFor(() =>
    widget.node.querySelector<HTMLElement>('.jp-Trail-StatusBadge')
  );
}

describe('StatusBadge', () => {
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('labels each status with its colour class', async () => {
    for (const status of ['ok', 'error', 'aborted', 'interrupted'] as const) {
      const node = await badge(status);
      expect(node.textContent).toBe(status);
      expect(node.classList).toContain(`jp-mod-${status}`);
      document.body.innerHTML = '';
    }
  });

  it('reads "kernel died" for an execution the kernel died under, with the reason on hover', async () => {
    const node = await badge('interrupted', KERNEL_DIED);
    expect(node.textContent).toBe('kernel died');
    expect(node.classList).toContain('jp-mod-interrupted');
    expect(node.title).toBe(KERNEL_DIED.evalue);
  });

  it('reads "interrupted" when the error is another one (a KeyboardInterrupt)', async () => {
    const node = await badge('interrupted', {
      ename: 'KeyboardInterrupt',
      evalue: ''
    });
    expect(node.textContent).toBe('interrupted');
    expect(node.title).toBe('');
  });
});
