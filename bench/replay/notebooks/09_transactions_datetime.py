# %% [markdown]
# # Card transactions: when do people spend?
# Local times in `data/transactions.csv`, Lisbon time; reported in UTC as well.

# %%
import numpy as np
import pandas as pd

tx = pd.read_csv("data/transactions.csv")
tx["ts"] = pd.to_datetime(tx["ts"], format="%Y-%m-%d %H:%M:%S")
tx.dtypes

# %%
tx["ts_local"] = tx["ts"].dt.tz_localize("Europe/Lisbon", ambiguous="NaT", nonexistent="shift_forward")
tx["ts_utc"] = tx["ts_local"].dt.tz_convert("UTC")
tx[["txn_id", "ts_local", "ts_utc"]].head()

# %%
daily = tx.set_index("ts_local").resample("D")["amount"].agg(["count", "sum"]).round(2)
daily.describe().round(2)

# %%
tx["hour"] = tx["ts_local"].dt.hour
tx["weekday"] = tx["ts_local"].dt.day_name()
heat = tx.pivot_table(index="weekday", columns=pd.cut(tx["hour"], [0, 6, 12, 18, 24], right=False), values="amount", aggfunc="count", observed=False)
heat

# %%
bands = pd.qcut(tx["amount"], 4, labels=["small", "medium", "large", "x-large"])
tx.groupby([bands, "category"], observed=True)["amount"].count().unstack()

# %%
gaps = tx.sort_values("ts").groupby("customer_id")["ts"].diff().dt.total_seconds().div(3600)
print("median hours between a customer's transactions:", round(gaps.median(), 2))

# %%
month_end = tx[tx["ts_local"].dt.is_month_end]
print(f"{len(month_end)} transactions on a month's last day, {month_end['amount'].sum():.2f} in all")

# %%
weekly = tx.set_index("ts_utc").groupby("category").resample("W")["amount"].sum().unstack(0).round(2)
weekly.head(6)

# %% tags=["again-at-end"]
np.percentile(tx["amount"], [50, 90, 99]).round(2)
