# %% [markdown]
# # A training loop, timed
# A plain gradient-descent fit with a progress line and timings, as one
# writes it when trying something out. The numbers are seeded; the clocks
# are not.

# %%
import time
import uuid
from datetime import datetime

import numpy as np

rng = np.random.default_rng(0)
X = rng.normal(size=(2000, 5))
true_w = np.array([1.5, -2.0, 0.0, 0.7, 3.1])
y = X @ true_w + rng.normal(0, 0.1, 2000)

# %% tags=["nondeterministic", "uuid", "timestamp"]
run_id = uuid.uuid4()
print(f"run {run_id} started {datetime.now():%Y-%m-%d %H:%M:%S}")

# %% tags=["nondeterministic", "progress", "timing"]
w = np.zeros(5)
started = time.time()
for epoch in range(1, 201):
    grad = X.T @ (X @ w - y) / len(y)
    w -= 0.1 * grad
    if epoch % 50 == 0:
        elapsed = time.time() - started
        bar = "#" * (epoch // 10) + "." * (20 - epoch // 10)
        print(f"\r[{bar}] {epoch}/200 loss {np.mean((X @ w - y) ** 2):.6f} {elapsed:.3f}s", end="", flush=True)
print()

# %%
print("weights:", w.round(4))
print("error against the truth:", round(float(np.abs(w - true_w).max()), 5))

# %% tags=["nondeterministic", "timing"]
%time closed_form = np.linalg.lstsq(X, y, rcond=None)[0]

# %%
closed_form.round(4)

# %% tags=["nondeterministic", "timing"]
start = time.perf_counter()
for _ in range(20):
    np.linalg.lstsq(X, y, rcond=None)
print(f"lstsq takes {(time.perf_counter() - start) / 20 * 1000:.3f} ms")

# %% tags=["nondeterministic", "timestamp"]
datetime.now()

# %%
summary = {"epochs": 200, "final_loss": round(float(np.mean((X @ w - y) ** 2)), 6)}
summary
