/**
 * The plots of the compare view (#16 item 3), drawn with the partial
 * plotly bundle fetched when the first plot is shown: (a) a metric over
 * steps, one line per run; (b) parallel coordinates of params against a
 * metric over the runs of a leaderboard filter; (c) a scatter of any two
 * columns over the same runs. Colours and font come from JupyterLab's CSS
 * variables at draw time; a theme change redraws. Each plot saves as PNG.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';
import type { RunSummary } from '../../client/api-schema';
import type { CompareModel } from '../../model/compare';
import { runLabels } from './labels';
import {
  firstPlotDrawn,
  firstPlotMilliseconds,
  loadPlotly
} from './plotlyLoader';
import type { Plotly } from './plotlyLoader';
import {
  columnValue,
  columnsOf,
  metricFigure,
  parcoordsFigure,
  readPlotTheme,
  scatterFigure
} from './traces';
import type { IPlotTheme } from './traces';

type Figure = ReturnType<typeof metricFigure>;

/** The plot theme read from the page's CSS variables now. */
export function currentPlotTheme(): IPlotTheme {
  const style = getComputedStyle(document.body);
  return readPlotTheme(name => style.getPropertyValue(name));
}

const PLOT_CONFIG = {
  displaylogo: false,
  displayModeBar: 'hover' as const,
  responsive: false,
  modeBarButtonsToRemove: ['toImage', 'select2d', 'lasso2d'] as any[]
};

/**
 * One plot: draws `build(theme)` whenever `drawKey` or the theme changes,
 * with a Save as PNG button. The first plot of the page records how long
 * fetching plotly and drawing took (`data-load-ms`).
 */
function PlotFrame(props: {
  name: string;
  drawKey: string;
  themeVersion: number;
  build: (theme: IPlotTheme) => Figure | null;
  empty: string;
  trans: TranslationBundle;
  onFirstLoad?: (ms: number) => void;
}): JSX.Element {
  const { trans } = props;
  const host = React.useRef<HTMLDivElement>(null);
  const plotted = React.useRef<Plotly | null>(null);
  const [state, setState] = React.useState<
    'loading' | 'drawn' | 'empty' | 'error'
  >('loading');
  const [error, setError] = React.useState('');

  React.useEffect(() => {
    const node = host.current!;
    const figure = props.build(currentPlotTheme());
    if (!figure || figure.data.length === 0) {
      setState('empty');
      if (plotted.current) {
        plotted.current.purge(node);
        plotted.current = null;
      }
      return;
    }
    let cancelled = false;
    loadPlotly()
      .then(async plotly => {
        if (cancelled) {
          return;
        }
        await plotly.react(
          node,
          figure.data,
          { ...figure.layout, autosize: true },
          PLOT_CONFIG
        );
        plotted.current = plotly;
        const ms = firstPlotDrawn();
        if (ms !== null) {
          node.dataset.loadMs = String(ms);
          props.onFirstLoad?.(ms);
        }
        if (!cancelled) {
          setState('drawn');
        }
      })
      .catch(reason => {
        console.warn('Trail: the plot could not be drawn', reason);
        if (!cancelled) {
          setError(String((reason as Error)?.message ?? reason));
          setState('error');
        }
      });
    return () => {
      cancelled = true;
    };
  }, [props.drawKey, props.themeVersion]);

  React.useEffect(() => {
    const node = host.current!;
    const observer = new ResizeObserver(() => {
      if (plotted.current && node.offsetWidth > 0) {
        void plotted.current.Plots.resize(node);
      }
    });
    observer.observe(node);
    return () => {
      observer.disconnect();
      plotted.current?.purge(node);
      plotted.current = null;
    };
  }, []);

  const save = () => {
    const node = host.current;
    if (!node || !plotted.current) {
      return;
    }
    void plotted.current.downloadImage(node, {
      format: 'png',
      filename: `trail-${props.name}`,
      width: Math.max(node.offsetWidth, 400),
      height: Math.max(node.offsetHeight, 300)
    });
  };

  return (
    <div
      className="jp-Trail-ComparePlot"
      data-plot={props.name}
      data-state={state}
    >
      <div className="jp-Trail-ComparePlot-actions">
        <button
          className="jp-Trail-Button jp-Trail-ComparePlot-save"
          disabled={state !== 'drawn'}
          onClick={save}
          title={trans.__('Save this plot as a PNG image')}
        >
          {trans.__('Save as PNG')}
        </button>
      </div>
      {state === 'empty' && <p className="jp-Trail-Hint">{props.empty}</p>}
      {state === 'error' && (
        <p className="jp-Trail-Hint jp-mod-error">
          {trans.__('The plot could not be drawn: %1', error)}
        </p>
      )}
      {state === 'loading' && (
        <p className="jp-Trail-Hint">{trans.__('Drawing…')}</p>
      )}
      <div
        className="jp-Trail-ComparePlot-canvas"
        ref={host}
        hidden={state === 'empty' || state === 'error'}
      />
    </div>
  );
}

function Picker(props: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (value: string) => void;
  className?: string;
}): JSX.Element {
  return (
    <label className={`jp-Trail-ComparePlots-picker ${props.className ?? ''}`}>
      <span>{props.label}</span>
      <select
        className="jp-Trail-Select"
        value={props.value}
        onChange={event => props.onChange(event.target.value)}
      >
        {props.options.map(option => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The plots section. */
export function PlotsSection(props: {
  model: CompareModel;
  trans: TranslationBundle;
  themeVersion: number;
}): JSX.Element {
  const { model, trans, themeVersion } = props;
  const metricNames = model.metrics.map(row => row.name);
  const preferred =
    model.metrics.find(row => row.cells.some(cell => (cell?.count ?? 0) > 1))
      ?.name ??
    metricNames[0] ??
    '';
  const [metric, setMetric] = React.useState('');
  const chosenMetric = metricNames.includes(metric) ? metric : preferred;
  // How long the page's first plot took (a view opened later shows it too).
  const [loadMs, setLoadMs] = React.useState(firstPlotMilliseconds);

  React.useEffect(() => {
    if (chosenMetric) {
      void model.loadSeries(chosenMetric);
    }
  }, [chosenMetric, model]);
  React.useEffect(() => {
    if (!model.population) {
      void model.loadPopulation();
    }
  }, [model]);

  const labels = runLabels(model.runs);
  const series = chosenMetric ? model.series(chosenMetric) : undefined;

  // The population: the filter's runs, and the compared runs with them.
  const population = model.population;
  const populationRuns = React.useMemo(() => {
    const runs: RunSummary[] = [...(population?.runs ?? [])];
    const ids = new Set(runs.map(run => run.id));
    for (const run of model.runs) {
      if (run.run && !ids.has(run.run.id)) {
        runs.push(run.run);
      }
    }
    return runs;
  }, [population, model.runs]);
  const columns = React.useMemo(
    () => columnsOf(populationRuns),
    [populationRuns]
  );
  const populationMetrics = columns
    .filter(c => c.startsWith('metrics.'))
    .map(c => c.slice('metrics.'.length));
  const [parMetric, setParMetric] = React.useState('');
  const chosenParMetric = populationMetrics.includes(parMetric)
    ? parMetric
    : populationMetrics.includes(chosenMetric)
      ? chosenMetric
      : (populationMetrics[0] ?? '');
  // A numeric param that varies reads best on x.
  const numericParam = columns.find(
    c =>
      c.startsWith('params.') &&
      new Set(
        populationRuns
          .map(run => columnValue(run, c))
          .filter(v => typeof v === 'number')
      ).size > 1
  );
  const [x, setX] = React.useState('');
  const [y, setY] = React.useState('');
  const chosenX = columns.includes(x)
    ? x
    : (numericParam ??
      columns.find(c => c.startsWith('params.')) ??
      columns[0] ??
      '');
  const chosenY = columns.includes(y)
    ? y
    : chosenParMetric
      ? `metrics.${chosenParMetric}`
      : (columns[1] ?? '');
  const [filterText, setFilterText] = React.useState<string | null>(null);
  const shownFilter = filterText ?? model.populationFilter;

  const populationKey = population
    ? `${population.filter}\u0000${population.runs.length}\u0000${population.total}`
    : 'none';
  const runsKey = model.runs.map(run => run.run?.id ?? '-').join(',');

  return (
    <section
      className="jp-Trail-Compare-section jp-Trail-ComparePlots"
      data-load-ms={loadMs ?? undefined}
    >
      <h3 className="jp-Trail-Compare-sectionTitle">{trans.__('Plots')}</h3>
      <div className="jp-Trail-ComparePlots-grid">
        <figure className="jp-Trail-ComparePlots-item jp-mod-wide">
          <figcaption>
            {trans.__('Metric over steps')}
            {metricNames.length > 0 && (
              <Picker
                label={trans.__('metric')}
                value={chosenMetric}
                options={metricNames}
                onChange={setMetric}
                className="jp-Trail-ComparePlots-metric"
              />
            )}
          </figcaption>
          <PlotFrame
            name="metric"
            drawKey={`${chosenMetric}\u0000${series ? 'read' : 'reading'}\u0000${runsKey}`}
            themeVersion={themeVersion}
            build={theme =>
              chosenMetric && series
                ? metricFigure(chosenMetric, labels, series, theme)
                : null
            }
            empty={
              metricNames.length === 0
                ? trans.__('No run logged a metric.')
                : series
                  ? trans.__('No run logged %1.', chosenMetric)
                  : trans.__('Reading the metric…')
            }
            trans={trans}
            onFirstLoad={setLoadMs}
          />
        </figure>
        <div className="jp-Trail-ComparePlots-population">
          <form
            className="jp-Trail-ComparePlots-filter"
            onSubmit={event => {
              event.preventDefault();
              void model.loadPopulation(shownFilter);
            }}
          >
            <label>
              <span>{trans.__('Runs of')}</span>
              <input
                className="jp-Trail-ComparePlots-filterInput"
                value={shownFilter}
                placeholder={trans.__('every run (a leaderboard filter)')}
                onChange={event => setFilterText(event.target.value)}
                spellCheck={false}
              />
            </label>
            <button className="jp-Trail-Button" type="submit">
              {trans.__('Apply')}
            </button>
            <span className="jp-Trail-ComparePlots-total">
              {population
                ? population.total > population.runs.length
                  ? trans.__(
                      'the first %1 of %2 runs',
                      population.runs.length,
                      population.total
                    )
                  : trans.__('%1 runs', population.runs.length)
                : ''}
            </span>
          </form>
          {model.populationError && (
            <p className="jp-Trail-Hint jp-mod-error">
              {model.populationError.message}
            </p>
          )}
        </div>
        <figure className="jp-Trail-ComparePlots-item">
          <figcaption>
            {trans.__('Params against a metric')}
            {populationMetrics.length > 0 && (
              <Picker
                label={trans.__('metric')}
                value={chosenParMetric}
                options={populationMetrics}
                onChange={setParMetric}
                className="jp-Trail-ComparePlots-parMetric"
              />
            )}
          </figcaption>
          <PlotFrame
            name="parcoords"
            drawKey={`${chosenParMetric}\u0000${populationKey}`}
            themeVersion={themeVersion}
            build={theme =>
              population && chosenParMetric
                ? parcoordsFigure(population.runs, chosenParMetric, theme)
                : null
            }
            empty={
              population
                ? trans.__('No run of the filter logged a metric.')
                : trans.__('Reading the runs…')
            }
            trans={trans}
            onFirstLoad={setLoadMs}
          />
        </figure>
        <figure className="jp-Trail-ComparePlots-item">
          <figcaption>
            {trans.__('Scatter')}
            {columns.length > 0 && (
              <>
                <Picker
                  label="x"
                  value={chosenX}
                  options={columns}
                  onChange={setX}
                  className="jp-Trail-ComparePlots-x"
                />
                <Picker
                  label="y"
                  value={chosenY}
                  options={columns}
                  onChange={setY}
                  className="jp-Trail-ComparePlots-y"
                />
              </>
            )}
          </figcaption>
          <PlotFrame
            name="scatter"
            drawKey={`${chosenX}\u0000${chosenY}\u0000${populationKey}\u0000${runsKey}`}
            themeVersion={themeVersion}
            build={theme =>
              chosenX && chosenY
                ? scatterFigure(populationRuns, labels, chosenX, chosenY, theme)
                : null
            }
            empty={trans.__('No run has both columns.')}
            trans={trans}
            onFirstLoad={setLoadMs}
          />
        </figure>
      </div>
    </section>
  );
}
