# %% [markdown]
# # How long until the queue clears?
# A Monte Carlo estimate with a seeded generator, a bootstrap interval, and
# one quick check drawn without a seed.

# %%
import numpy as np
import pandas as pd

rng = np.random.default_rng(42)

def simulate(rng, arrivals_per_min=1.8, served_per_min=2.0, minutes=240):
    queue, longest = 0, 0
    for _ in range(minutes):
        queue = max(0, queue + rng.poisson(arrivals_per_min) - rng.poisson(served_per_min))
        longest = max(longest, queue)
    return queue, longest

runs = pd.DataFrame([simulate(rng) for _ in range(400)], columns=["final", "longest"])
runs.describe().round(3)

# %%
boot = np.array([runs["longest"].sample(frac=1, replace=True, random_state=i).mean() for i in range(300)])
print(f"mean longest queue {runs['longest'].mean():.2f}, 95% interval {np.percentile(boot, 2.5):.2f} to {np.percentile(boot, 97.5):.2f}")

# %%
for rate in (1.6, 1.8, 1.9, 1.95):
    sub = np.random.default_rng(7)
    longest = [simulate(sub, arrivals_per_min=rate)[1] for _ in range(100)]
    print(f"arrivals {rate}/min: median longest queue {np.median(longest):.1f}")

# %% tags=["random"]
# A quick look with a fresh, unseeded generator: differs on every run.
quick = np.random.default_rng()
print([simulate(quick)[1] for _ in range(5)])

# %%
pi_draws = np.random.default_rng(2026).uniform(size=(200000, 2))
print("pi ~", 4 * np.mean((pi_draws ** 2).sum(axis=1) <= 1))

# %%
runs["final"].value_counts().sort_index().head(10)
