/**
 * The panel as a sidebar test meets it: a TrailBrowserModel over a fake
 * reader and the TrailSidebar showing it, attached to the document and
 * disposed after each test of the describe block that asked for it.
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';
import { TrailBrowserModel } from '../../src/model';
import { TrailSidebar } from '../../src/ui';
import type { FakeReader } from './model-fake-reader';

export interface MountedSidebar {
  /** Makes the model over `reader` and attaches its sidebar. */
  mount(reader: FakeReader): void;
  /** The model of the latest mount. */
  readonly model: TrailBrowserModel;
  /** The sidebar of the latest mount. */
  readonly sidebar: TrailSidebar;
  /** The sidebar's first element that matches `selector`. */
  $(selector: string): Element | null;
  /** The sidebar's elements that match `selector`. */
  $$(selector: string): Element[];
}

/** Call in a describe block: its tests mount with it, afterEach disposes. */
export function mountedSidebar(): MountedSidebar {
  const rendermime = new RenderMimeRegistry({
    initialFactories: standardRendererFactories
  });
  let model: TrailBrowserModel | undefined;
  let sidebar: TrailSidebar | undefined;
  afterEach(() => {
    sidebar?.dispose();
    model?.dispose();
    sidebar = model = undefined;
  });
  const mounted = <T>(value: T | undefined): T => {
    if (value === undefined) {
      throw new Error('mount() first');
    }
    return value;
  };
  return {
    mount(reader: FakeReader): void {
      model = new TrailBrowserModel({ reader });
      sidebar = new TrailSidebar({ model, rendermime });
      Widget.attach(sidebar, document.body);
    },
    get model() {
      return mounted(model);
    },
    get sidebar() {
      return mounted(sidebar);
    },
    $: selector => mounted(sidebar).node.querySelector(selector),
    $$: selector => Array.from(mounted(sidebar).node.querySelectorAll(selector))
  };
}
