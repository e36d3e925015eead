# %% [markdown]
# # Figures for the monthly report
# Drawn with matplotlib; the data is seeded, so are the figures.

# %%
import io

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Image, display

plt.rcParams.update({"figure.dpi": 80, "font.size": 9, "svg.hashsalt": "trail"})
rng = np.random.default_rng(5)
print(matplotlib.get_backend())

# %%
t = np.linspace(0, 4 * np.pi, 300)
fig, ax = plt.subplots(figsize=(5, 3))
ax.plot(t, np.sin(t), label="sin")
ax.plot(t, np.cos(t) * np.exp(-t / 8), label="damped cos")
ax.legend()
ax.set_title("Two signals")
plt.show()

# %%
values = rng.gamma(2.0, 1.5, 1000)
fig, ax = plt.subplots(figsize=(4, 3))
counts, edges, _ = ax.hist(values, bins=30, color="tab:green")
plt.close(fig)
print(counts[:10].astype(int), edges[:3].round(3))

# %% tags=["rerun"]
fig

# %%
sales = pd.read_csv("data/sales.csv", parse_dates=["date"], dayfirst=True)
monthly = sales.groupby(sales["date"].dt.month)["units"].sum()
ax = monthly.plot(kind="bar", figsize=(5, 3), title="Units per month")
ax.set_xlabel("month")
plt.tight_layout()

# %%
buffer = io.BytesIO()
fig, ax = plt.subplots(figsize=(3, 3))
ax.scatter(*rng.normal(size=(2, 200)), s=6)
fig.savefig(buffer, format="png", metadata={"Software": None})
plt.close(fig)
print(len(buffer.getvalue()) > 1000)
display(Image(buffer.getvalue()))

# %%
grid = rng.normal(size=(12, 12)).cumsum(axis=0)
fig, ax = plt.subplots(figsize=(4, 3))
image = ax.imshow(grid, cmap="viridis")
fig.colorbar(image)
plt.show()
