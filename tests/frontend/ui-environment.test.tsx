/**
 * The panel's environment section of a session: language, platform, git
 * with its diff, a searchable package list, versions, and the comparison
 * with another session.
 */
import { formatAbsoluteTime } from '../../src/ui/format';
import { FakeNetworkError } from './model-fake-reader';
import { AT, captureReader, env } from './ui-capture-reader';
import { mountedSidebar } from './ui-mount';
import { waitFor } from './ui-wait';

describe('environment views', () => {
  const ui = mountedSidebar();
  const { $, $$ } = ui;

  it('shows a session environment on demand, with git, diff and a searchable package list', async () => {
    const reader = captureReader();
    ui.mount(reader);
    await ui.model.openSession('s1');
    const toggle = await waitFor(
      () => $('.jp-Trail-Environment .jp-Trail-Disclosure') as HTMLElement
    );
    expect(reader.callsOf('getEnvironment')).toHaveLength(0);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    const body = await waitFor(() => $('.jp-Trail-Environment-body'));
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(body.textContent).toContain('python 3.11.7 (CPython)');
    expect(body.textContent).toContain('Linux 6.1 x86_64');
    expect(body.querySelector('.jp-Trail-Git code')!.textContent).toBe(
      '0123456789'
    );
    expect(body.textContent).toContain('uncommitted changes');
    expect($('.jp-Trail-Disclosure-summary')!.textContent).toBe(
      'python 3.11.7 · 4 packages'
    );

    (body.querySelector('.jp-Trail-DiffToggle') as HTMLElement).click();
    const diff = await waitFor(() => $('.jp-Trail-Diff'));
    expect(diff.querySelector('.jp-mod-added')!.textContent).toBe('+new = 2\n');
    expect(diff.querySelector('.jp-mod-removed')!.textContent).toBe(
      '-old = 1\n'
    );
    expect(diff.querySelector('.jp-mod-hunk')).not.toBeNull();

    const rows = () =>
      $$('.jp-Trail-PackageTable tr').map(r => r.getAttribute('data-package'));
    expect(rows()).toEqual(['numpy', 'pandas', 'polars', 'pyarrow']);
    const search = $('.jp-Trail-Search') as HTMLInputElement;
    const setter = Object.getOwnPropertyDescriptor(
      HTMLInputElement.prototype,
      'value'
    )!.set!;
    setter.call(search, 'pa');
    search.dispatchEvent(new Event('input', { bubbles: true }));
    await waitFor(() => rows().length === 1);
    expect(rows()).toEqual(['pandas']);
    setter.call(search, 'nothing-like-it');
    search.dispatchEvent(new Event('input', { bubbles: true }));
    await waitFor(() => $('.jp-Trail-Packages-empty'));
  });

  it('compares with another session: added, removed, changed packages and fields', async () => {
    const reader = captureReader();
    reader.environments.set(
      'env-old',
      env(
        [
          ['numpy', '2.4.5'],
          ['pandas', '3.1.0'],
          ['scipy', '1.0']
        ],
        {
          platform: {
            system: 'Linux',
            release: '6.1',
            machine: 'x86_64',
            hostname: 'other-host'
          }
        }
      )
    );
    ui.mount(reader);
    await ui.model.openSession('s1');
    await ui.model.environment!.toggle();
    const select = (await waitFor(() =>
      $('.jp-Trail-CompareSelect')
    )) as HTMLSelectElement;
    select.dispatchEvent(new Event('focus'));
    select.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    await ui.model.environment!.loadCandidates();
    // Sessions without an environment are not offered.
    expect(ui.model.environment!.candidates.map(s => s.id)).toEqual(['old']);
    await ui.model.environment!.compareWith(
      ui.model.environment!.candidates[0]
    );
    const summary = await waitFor(() => $('.jp-Trail-EnvDiff-summary'));
    expect(summary.textContent).toBe('1 added, 2 removed, 1 changed');
    expect($$('.jp-Trail-EnvDiff-changed').map(r => r.textContent)).toEqual([
      'pandas3.1.1 → 3.1.0'
    ]);
    expect($$('.jp-Trail-EnvDiff-added').map(r => r.textContent)).toEqual([
      '+ scipy1.0'
    ]);
    expect($$('.jp-Trail-EnvDiff-removed').map(r => r.textContent)).toEqual([
      '− polars1.0.0',
      '− pyarrow26.0.1'
    ]);
    expect($$('.jp-Trail-EnvDiff-field').map(r => r.textContent)).toEqual([
      'Hostlab → other-host'
    ]);
  });

  it('shows when this session captured its environment, not when the same environment was first seen', async () => {
    const reader = captureReader();
    // After a kernel restart, the same environment again: stored once, with
    // the capturedAt of its first capture (session "old").
    const restartedAt = '2026-11-22T09:30:00.000Z';
    reader.addSession({
      id: 'restarted',
      startedAt: '2026-11-22T09:29:00.000Z',
      environments: [{ id: 'env-old', fromSeq: 1, capturedAt: restartedAt }]
    });
    ui.mount(reader);
    await ui.model.openSession('restarted');
    await ui.model.environment!.toggle();
    const body = await waitFor(() => $('.jp-Trail-Environment-body'));
    const captured = [...body.querySelectorAll('.jp-Trail-Metadata dt')].find(
      dt => dt.textContent === 'Captured'
    )!.nextElementSibling!.textContent;
    expect(captured).toBe(formatAbsoluteTime(restartedAt));
    expect(captured).not.toBe(formatAbsoluteTime(AT));
  });

  it('names the teammate whose session is offered for comparison', async () => {
    const reader = captureReader();
    const alice = { id: 'u-alice', name: 'alice', displayName: 'Alice Archer' };
    const bob = { id: 'u-bob', name: 'bob', displayName: '' };
    reader.addSession({
      id: 'alice-now',
      author: alice,
      startedAt: '2026-11-22T10:00:00.000Z',
      environments: [{ id: 'env-new', fromSeq: 1, capturedAt: AT }]
    });
    reader.addSession({
      id: 'alice-before',
      author: alice,
      startedAt: '2026-11-21T09:00:00.000Z',
      environments: [{ id: 'env-old', fromSeq: 1, capturedAt: AT }]
    });
    reader.addSession({
      id: 'bobs',
      author: bob,
      startedAt: '2026-11-21T10:00:00.000Z',
      environments: [{ id: 'env-old', fromSeq: 1, capturedAt: AT }]
    });
    ui.mount(reader);
    await ui.model.openSession('alice-now');
    await ui.model.environment!.toggle();
    await ui.model.environment!.loadCandidates();
    const select = (await waitFor(() =>
      $('.jp-Trail-CompareSelect')
    )) as HTMLSelectElement;
    await waitFor(() => select.options.length === 5);
    const labels = [...select.options].map(o => [o.value, o.textContent]);
    // Bob's session says it is his; Alice's own other session needs no name.
    expect(labels.find(([id]) => id === 'bobs')![1]).toMatch(
      /^analysis\.ipynb · bob · /
    );
    expect(labels.find(([id]) => id === 'alice-before')![1]).not.toContain(
      'Alice'
    );
  });

  it('shows the latest environment version and the others on demand', async () => {
    const reader = captureReader();
    reader.addSession({
      id: 'pip',
      startedAt: '2026-11-21T10:00:00.000Z',
      environments: [
        { id: 'env-old', fromSeq: 1, capturedAt: AT },
        { id: 'env-new', fromSeq: 4, capturedAt: AT }
      ]
    });
    ui.mount(reader);
    await ui.model.openSession('pip');
    await ui.model.environment!.toggle();
    const select = (await waitFor(() =>
      $('.jp-Trail-Environment-body select.jp-Trail-Select')
    )) as HTMLSelectElement;
    expect(Array.from(select.options).map(o => o.textContent)).toEqual([
      expect.stringContaining('from execution #1'),
      expect.stringContaining('from execution #4')
    ]);
    expect(select.value).toBe('env-new');
    expect($$('.jp-Trail-PackageTable tr').length).toBe(4);
    await ui.model.environment!.selectVersion('env-old');
    await waitFor(() => $$('.jp-Trail-PackageTable tr').length === 3);
    expect(reader.callsOf('getEnvironment').map(c => c.args[0])).toEqual([
      'env-new',
      'env-old'
    ]);
  });

  it('says when a session has no environment, and offers Retry on errors', async () => {
    const reader = captureReader();
    ui.mount(reader);
    await ui.model.openSession('plain');
    await ui.model.environment!.toggle();
    await waitFor(() => $('.jp-Trail-Environment .jp-Trail-Empty'));
    ui.model.back();
    await ui.model.openSession('s1');
    reader.failure = new FakeNetworkError('server down');
    await ui.model.environment!.toggle();
    const retry = await waitFor(
      () => $('.jp-Trail-Environment .jp-Trail-RetryButton') as HTMLElement
    );
    reader.failure = null;
    retry.click();
    await waitFor(() => $('.jp-Trail-Environment-body'));
  });
});
