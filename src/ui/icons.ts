import { LabIcon } from '@jupyterlab/ui-components';
import trailSvgstr from '../../style/icons/trail.svg';

/**
 * The Trail icon: three waypoints joined by a dotted path. It follows the
 * theme through JupyterLab's `jp-icon3` class.
 */
export const trailIcon = new LabIcon({
  name: 'jupyterlab-trail:trail',
  svgstr: trailSvgstr
});
