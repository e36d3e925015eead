import * as React from 'react';
import type { TrailClock } from '../model';

/**
 * Redraw the calling component on each tick of the panel's clock, so that
 * the relative times it shows ("3 minutes ago") move on.
 *
 * #### Notes
 * Call it once per view, at the top of the component that renders the
 * whole view (its rows are redrawn with it), not once per row. A view that
 * is not shown passes `follow: false`: the clock then runs only for views
 * in sight, and not at all while the panel is hidden.
 */
export function useClockTick(clock: TrailClock, follow = true): void {
  const [, setTick] = React.useState(0);
  React.useEffect(() => {
    if (!follow || clock.isDisposed) {
      return;
    }
    const onTick = () => setTick(tick => tick + 1);
    clock.ticked.connect(onTick);
    const following = clock.follow();
    return () => {
      following.dispose();
      clock.ticked.disconnect(onTick);
    };
  }, [clock, follow]);
}
