# %% [markdown]
# # Greenhouse sensors, three weeks of June
# Hourly readings of four sensors (`data/sensors.parquet`), some missing.

# %%
import pandas as pd

readings = pd.read_parquet("data/sensors.parquet")
print(readings.dtypes)
readings.head()

# %% tags=["again-at-end"]
readings.isna().sum()

# %%
wide = readings.pivot(index="timestamp", columns="sensor", values="temperature")
wide = wide.interpolate(limit=2)
wide.describe().round(3)

# %%
daily = wide.resample("D").agg(["min", "max"]).round(2)
daily.head(7)

# %%
rolling = wide.rolling("6h").mean().round(3)
rolling.iloc[::48].head(8)

# %%
by_hour = readings.groupby(readings["timestamp"].dt.hour)[["temperature", "humidity"]].mean().round(2)
by_hour.T

# %%
hot = wide[wide.gt(22).any(axis=1)]
print(f"{len(hot)} hours over 22 degrees, first at {hot.index.min()}, last at {hot.index.max()}")

# %%
weekly = readings.set_index("timestamp").groupby("sensor").resample("W-SUN")["humidity"].mean().unstack(0).round(2)
weekly

# %%
corr = wide.corr().round(3)
corr
