/**
 * The packages of an environment, searchable by name or version.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type { EnvironmentSnapshot } from '../records/schema';

/**
 * Packages listed at most; a search narrows the rest down.
 */
const MAX_PACKAGES_SHOWN = 500;

/**
 * The package table of an environment with its search box.
 */
export function PackageList(props: {
  packages: EnvironmentSnapshot['packages'];
  trans: TranslationBundle;
}): JSX.Element {
  const { packages, trans } = props;
  const [query, setQuery] = React.useState('');
  const needle = query.trim().toLowerCase();
  const matches = needle
    ? packages.filter(
        p =>
          p.name.toLowerCase().includes(needle) ||
          p.version.toLowerCase().includes(needle)
      )
    : packages;
  const shown = matches.slice(0, MAX_PACKAGES_SHOWN);
  return (
    <div className="jp-Trail-Packages">
      <div className="jp-Trail-SectionHeader">
        <h3>{trans._n('%1 package', '%1 packages', packages.length)}</h3>
      </div>
      <input
        type="search"
        className="jp-Trail-Search jp-mod-styled"
        placeholder={trans.__('Search packages')}
        aria-label={trans.__('Search packages')}
        value={query}
        onChange={event => setQuery(event.target.value)}
      />
      {matches.length === 0 ? (
        <p className="jp-Trail-Hint jp-Trail-Packages-empty">
          {trans.__('No package matches “%1”.', query)}
        </p>
      ) : (
        <div className="jp-Trail-Packages-scroll">
          <table className="jp-Trail-Table jp-Trail-PackageTable">
            <tbody>
              {shown.map(p => (
                <tr key={p.name} data-package={p.name}>
                  <th scope="row">{p.name}</th>
                  <td>{p.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {matches.length > shown.length && (
        <p className="jp-Trail-Hint">
          {trans.__(
            '%1 more: search to narrow the list.',
            matches.length - shown.length
          )}
        </p>
      )}
    </div>
  );
}
